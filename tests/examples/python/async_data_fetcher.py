# The guide's "Async Data Fetcher" (section 5), made runnable against a local aiohttp server that
# answers what examples/local_json_server.hpp answers: `GET /data/<n>` ->
# {"id": n, "source": "api<n % 3 + 1>", "value": (n * 37) % 100}. The guide's process_data_async and
# store_data_async are the example's own (they are not in the guide). Needs Debian's python3-aiohttp.
import asyncio

import aiohttp
from aiohttp import web


def json_for_item(n):
    return {"id": n, "source": f"api{n % 3 + 1}", "value": (n * 37) % 100}


async def handle(request):
    return web.json_response(json_for_item(int(request.match_info["n"])))


# The guide's code.
async def async_data_fetcher(urls):
    """Asynchronously fetch data from multiple URLs"""
    async with aiohttp.ClientSession() as session:
        for url in urls:
            async with session.get(url) as response:
                data = await response.json()
                yield data


async def process_data_async(data):
    await asyncio.sleep(0)
    return {"id": data["id"], "source": data["source"], "scaled": data["value"] * 2}


async def store_data_async(processed, store):
    await asyncio.sleep(0)
    store.setdefault(processed["source"], []).append(processed["scaled"])


async def process_async_data(base):
    urls = [f"{base}/data/1", f"{base}/data/2"]
    store = {}
    async for data in async_data_fetcher(urls):
        processed = await process_data_async(data)
        await store_data_async(processed, store)
        print(f"fetched item {data['id']} from {data['source']}: value {data['value']} -> scaled {processed['scaled']}")

    many = [f"{base}/data/{n}" for n in range(100)]
    store = {}
    count = 0
    async for data in async_data_fetcher(many):
        await store_data_async(await process_data_async(data), store)
        count += 1
    print(f"{count} URLs fetched, every one answered once")
    for source in sorted(store):
        values = store[source]
        print(f"{source}: {len(values)} items, scaled total {sum(values)}")


async def main():
    app = web.Application()
    app.router.add_get("/data/{n}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    try:
        await process_async_data(f"http://127.0.0.1:{port}")
    finally:
        await runner.cleanup()


asyncio.run(main())
