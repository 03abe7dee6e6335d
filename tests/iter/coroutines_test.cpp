// The guide's stateful coroutines, with Python's interaction call for call. The expected values
// are what CPython 3.11 returns for the guide's code (not the guide's comments: see coroutines.hpp).
#include <gtest/gtest.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>
#include <yieldpipe/core/exceptions.hpp>
#include <yieldpipe/core/gen_state.hpp>
#include <yieldpipe/core/generator.hpp>
#include <yieldpipe/iter/coroutines.hpp>

namespace {

using namespace yieldpipe;

// A yielded None: the generator produced an element, and it is an empty optional.
template <class T>
bool is_none(const std::optional<std::optional<T>>& v) {
  return v.has_value() && !v->has_value();
}

TEST(moving_average_generator, follows_the_guides_prime_send_next_protocol) {
  auto avg_gen = moving_average_generator(3);
  EXPECT_TRUE(is_none(avg_gen.next()));  // next(avg_gen)  # Initialize
  const std::vector<double> readings{1, 2, 3, 4, 10};
  const std::vector<double> averages{1.0, 1.5, 2.0, 3.0, 5.666666666666667};
  for (std::size_t i = 0; i < readings.size(); ++i) {
    const auto sent = avg_gen.send(readings[i]);  // avg_gen.send(sensor_reading)
    ASSERT_TRUE(sent && *sent);
    EXPECT_EQ(**sent, averages[i]);
    // current_avg = next(avg_gen): None in Python, whatever the guide's usage expects.
    EXPECT_TRUE(is_none(avg_gen.next()));
  }
}

TEST(moving_average_generator, the_default_window_is_ten) {
  auto avg_gen = moving_average_generator();
  avg_gen.next();
  std::optional<std::optional<double>> last;
  for (int v = 1; v <= 12; ++v) {
    last = avg_gen.send(v);
    avg_gen.next();
  }
  EXPECT_EQ(**last, 7.5);  // the mean of 3..12
}

TEST(moving_average_generator, a_send_in_place_of_next_is_dropped_as_in_python) {
  auto avg_gen = moving_average_generator(3);
  avg_gen.next();
  EXPECT_EQ(**avg_gen.send(4), 4.0);
  EXPECT_TRUE(is_none(avg_gen.send(100)));  // taken by `yield average`, dropped
  EXPECT_EQ(**avg_gen.send(6), 5.0);        // the window is {4, 6}
}

TEST(moving_average_generator, next_where_a_value_is_expected_fails_like_python) {
  auto avg_gen = moving_average_generator(3);
  avg_gen.next();
  try {
    avg_gen.next();
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("send(value) first"), std::string::npos);
  }
  EXPECT_EQ(avg_gen.state(), gen_state::closed);
}

TEST(moving_average_generator, a_send_before_priming_is_an_invalid_send) {
  auto avg_gen = moving_average_generator(3);
  EXPECT_THROW(avg_gen.send(1.0), invalid_send);
  EXPECT_EQ(avg_gen.state(), gen_state::created);
  EXPECT_TRUE(is_none(avg_gen.next()));
  EXPECT_EQ(**avg_gen.send(1.0), 1.0);
}

TEST(moving_average_generator, a_window_of_zero_is_rejected_at_the_call) {
  try {
    auto avg_gen = moving_average_generator(0);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "rolling_window_stats: window must be at least 1, got 0");
  }
}

TEST(data_accumulator, reproduces_the_guides_numbers) {
  auto accumulator = data_accumulator();
  EXPECT_TRUE(is_none(accumulator.next()));  // Prime the coroutine

  // Python: send(10) returns 10.0 and the next() after it None (the guide's comment puts 10.0 on
  // the next()); send(20) returns 15.0.
  const auto avg1 = accumulator.send(10);
  EXPECT_EQ(**avg1, 10.0);
  EXPECT_TRUE(is_none(accumulator.next()));
  const auto avg2 = accumulator.send(20);
  EXPECT_EQ(**avg2, 15.0);
  EXPECT_TRUE(is_none(accumulator.next()));

  // A next() where a value is expected adds nothing and yields the average.
  EXPECT_EQ(**accumulator.next(), 15.0);
  EXPECT_TRUE(is_none(accumulator.next()));
}

TEST(data_accumulator, yields_zero_before_any_value) {
  auto accumulator = data_accumulator();
  accumulator.next();
  EXPECT_EQ(**accumulator.next(), 0.0);  // Python: 0
  EXPECT_THROW(data_accumulator().send(1.0), invalid_send);
}

TEST(data_accumulator, keeps_the_exact_average_of_integers) {
  auto accumulator = data_accumulator();
  accumulator.next();
  double total = 0;
  for (int v = 1; v <= 1000; ++v) {
    total += v * 7;
    ASSERT_EQ(**accumulator.send(v * 7), total / v);
    accumulator.next();
  }
}

const std::vector<double> guide_data{10, 11, 9, 10, 12, 8, 10, 11, 9, 10, 10, 30, 10};

TEST(real_time_anomaly_detector, reports_nothing_before_eleven_values_then_pythons_analysis) {
  auto detector = real_time_anomaly_detector(2.5);
  EXPECT_TRUE(is_none(detector.next()));  // Prime
  std::vector<std::optional<anomaly_analysis>> results;
  for (double reading : guide_data) {
    const auto analysis = detector.send(reading);
    ASSERT_TRUE(analysis.has_value());
    results.push_back(*analysis);
    EXPECT_TRUE(is_none(detector.next()));  // the guide's `analysis = next(detector)` is None
  }
  for (std::size_t i = 0; i < 10; ++i) EXPECT_FALSE(results[i].has_value()) << i;

  ASSERT_TRUE(results[10].has_value());
  EXPECT_EQ(results[10]->value, 10.0);
  EXPECT_EQ(results[10]->z_score, 0.0);
  EXPECT_FALSE(results[10]->is_anomaly);
  EXPECT_EQ(results[10]->mean, 10.0);
  EXPECT_DOUBLE_EQ(results[10]->std_dev, 1.044465935734187);

  ASSERT_TRUE(results[11].has_value());
  EXPECT_EQ(results[11]->value, 30.0);
  EXPECT_DOUBLE_EQ(results[11]->z_score, 3.263649560033097);
  EXPECT_TRUE(results[11]->is_anomaly);
  EXPECT_EQ(results[11]->mean, 11.666666666666666);
  EXPECT_DOUBLE_EQ(results[11]->std_dev, 5.617433182117573);

  ASSERT_TRUE(results[12].has_value());
  EXPECT_DOUBLE_EQ(results[12]->z_score, 0.2840954948635681);
  EXPECT_FALSE(results[12]->is_anomaly);
  EXPECT_EQ(results[12]->mean, 11.538461538461538);
  EXPECT_DOUBLE_EQ(results[12]->std_dev, 5.415297202091704);
}

TEST(real_time_anomaly_detector, keeps_only_the_last_hundred_values) {
  auto detector = real_time_anomaly_detector();  // threshold 2.0, window 100
  detector.next();
  for (int i = 0; i < 100; ++i) {
    detector.send(1000.0 + (i % 2));  // a first regime, pushed out of the window below
    detector.next();
  }
  std::optional<anomaly_analysis> last;
  for (int i = 0; i < 100; ++i) {
    last = *detector.send(i % 2 == 0 ? 4.0 : 6.0);
    detector.next();
  }
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->mean, 5.0);
  EXPECT_EQ(last->std_dev, 1.0);
  EXPECT_EQ(last->z_score, 1.0);
}

TEST(real_time_anomaly_detector, reports_nothing_while_the_history_does_not_vary) {
  auto detector = real_time_anomaly_detector(2.5);
  detector.next();
  for (int i = 0; i < 50; ++i) {
    EXPECT_TRUE(is_none(detector.send(42.0)));
    detector.next();
  }
}

TEST(real_time_anomaly_detector, rejects_bad_arguments_at_the_call) {
  EXPECT_THROW(real_time_anomaly_detector(2.5, 10), std::invalid_argument);
  EXPECT_THROW(real_time_anomaly_detector(std::nan("")), std::invalid_argument);
  auto detector = real_time_anomaly_detector();
  EXPECT_THROW(detector.send(1.0), invalid_send);
}

std::vector<double> last_values(const processor_statistics& s) {
  return {s.last_values().begin(), s.last_values().end()};
}

TEST(data_processor, reproduces_the_guides_usage_output) {
  auto processor = data_processor();
  EXPECT_TRUE(is_none(processor.next()));  // Prime the coroutine

  // After sending 10: {'count': 0, 'average': 0, 'last_values': [], 'status': 'processing'}
  const auto stats1 = processor.send(10);
  ASSERT_TRUE(stats1 && *stats1);
  EXPECT_EQ((*stats1)->count, 0u);
  EXPECT_EQ((*stats1)->average, 0.0);
  EXPECT_EQ(last_values(**stats1), std::vector<double>{});
  EXPECT_EQ((*stats1)->status, processor_statistics::state::processing);

  // After sending 20: {'count': 1, 'average': 20.0, 'last_values': [20], 'status': 'processing'}
  const auto stats2 = processor.send(20);
  EXPECT_EQ((*stats2)->count, 1u);
  EXPECT_EQ((*stats2)->average, 20.0);
  EXPECT_EQ(last_values(**stats2), std::vector<double>{20});

  // After sending 30: {'count': 2, 'average': 25.0, 'last_values': [20, 30], 'status': 'processing'}
  const auto stats3 = processor.send(30);
  EXPECT_EQ((*stats3)->count, 2u);
  EXPECT_EQ((*stats3)->average, 25.0);
  EXPECT_EQ(last_values(**stats3), (std::vector<double>{20, 30}));

  // processor.close(): RuntimeError: generator ignored GeneratorExit; it stays suspended.
  EXPECT_THROW(processor.close(), generator_ignored_exit);
  EXPECT_EQ(processor.state(), gen_state::suspended);
}

TEST(data_processor, keeps_the_last_five_values_and_gives_the_final_statistics_to_throw) {
  auto processor = data_processor();
  processor.next();
  processor.send(20);  // dropped by the priming yield
  EXPECT_EQ((**processor.send(20)).count, 1u);
  EXPECT_EQ((**processor.next()).count, 1u);  // None is not counted
  std::optional<std::optional<processor_statistics>> last;
  for (double v : {1, 2, 3, 4, 5, 6}) last = processor.send(v);
  EXPECT_EQ((*last)->count, 7u);
  EXPECT_EQ((*last)->average, 41.0 / 7.0);  // Python: 5.857142857142857
  EXPECT_EQ(last_values(**last), (std::vector<double>{2, 3, 4, 5, 6}));

  // Python: processor.throw(GeneratorExit) returns the final dict ('status': 'completed').
  const auto final_stats = processor.throw_(generator_exit{});
  ASSERT_TRUE(final_stats && *final_stats);
  EXPECT_EQ((*final_stats)->status, processor_statistics::state::completed);
  EXPECT_EQ((*final_stats)->count, 7u);
  EXPECT_EQ((*final_stats)->average, 41.0 / 7.0);
  EXPECT_EQ(last_values(**final_stats), (std::vector<double>{2, 3, 4, 5, 6}));
  EXPECT_FALSE(processor.next().has_value());  // then StopIteration
  EXPECT_TRUE(processor.done());
}

TEST(data_processor, can_be_destroyed_at_any_point) {
  auto fresh = data_processor();
  auto primed = data_processor();
  primed.next();
  auto running = data_processor();
  running.next();
  running.send(1);
  running.send(2);
  EXPECT_THROW(data_processor().send(1.0), invalid_send);
}

}  // namespace
