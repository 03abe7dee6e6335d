#!/usr/bin/python3
"""The guide's section 5 `async_data_fetcher` (aiohttp), as the guide writes it, over the URLs of a file: the
peer of `yieldpipe fetch` in bench/async/fetch_bench.sh. Run with Debian's python3 and python3-aiohttp.

Usage: peer_aiohttp.py URLS_FILE

Prints one line of JSON: {"count": <responses>, "id_sum": <sum of the bodies' "id">}. The guide's fetcher
takes the URLs in order, one request at a time, and yields one body per URL, so the count and the sum of ids
tell whether every URL was answered exactly once (the script knows both). The URLs are read lazily (a
generator over the file: the guide's function takes any iterable), so that memory does not grow with them;
the guide's fetcher itself is kept as written, with one ClientSession.
"""

import asyncio
import json
import sys

import aiohttp


# --- the guide's code (section 5, "Async Data Fetcher") ---
async def async_data_fetcher(urls):
    """Asynchronously fetch data from multiple URLs"""
    async with aiohttp.ClientSession() as session:
        for url in urls:
            async with session.get(url) as response:
                data = await response.json()
                yield data


# --- the benchmark's driver ---
def read_urls(path):
    with open(path) as f:
        for line in f:
            url = line.strip()
            if url and not url.startswith("#"):
                yield url


async def main(path):
    count = 0
    id_sum = 0
    async for data in async_data_fetcher(read_urls(path)):
        count += 1
        id_sum += data["id"]
    print(json.dumps({"count": count, "id_sum": id_sum}))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
