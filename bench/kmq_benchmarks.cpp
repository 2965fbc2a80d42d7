// SPDX-License-Identifier: MIT
// Micro-benchmarks of the hot loops (Google Benchmark): colour statistics, K-means, remap,
// label coding and decoding, on a generated 2 MP photo-like image.
#include <benchmark/benchmark.h>

#include <cmath>
#include <kmq/kmq.hpp>
#include <random>

#include "quantize/stats/color_histogram.hpp"

namespace {

const kmq::Image& photo() {
  // Smooth gradients plus noise: many distinct colours, like a photograph.
  static const kmq::Image image = [] {
    kmq::Image result(1920, 1080, 3);
    std::mt19937 rng(1);
    for (int y = 0; y < 1080; ++y) {
      for (int x = 0; x < 1920; ++x) {
        std::uint8_t* p = result.pixel(x, y);
        const double wave = 40 * std::sin(x / 97.0) * std::cos(y / 53.0);
        p[0] =
            static_cast<std::uint8_t>(std::clamp(120 + wave + x / 30.0 + (rng() % 9), 0.0, 255.0));
        p[1] = static_cast<std::uint8_t>(
            std::clamp(90 + y / 9.0 - wave / 2 + (rng() % 9), 0.0, 255.0));
        p[2] = static_cast<std::uint8_t>(std::clamp(60 + (x + y) / 20.0 + (rng() % 9), 0.0, 255.0));
      }
    }
    return result;
  }();
  return image;
}

void BM_ColorHistogram(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(kmq::detail::ColorHistogram::build(photo()));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(photo().pixel_count()));
}
BENCHMARK(BM_ColorHistogram)->Unit(benchmark::kMillisecond);

void BM_Quantize(benchmark::State& state) {
  kmq::EncodeOptions options;
  options.colors = static_cast<int>(state.range(0));
  options.method = static_cast<kmq::Method>(state.range(1));
  for (auto _ : state) benchmark::DoNotOptimize(kmq::quantize(photo(), options));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(photo().pixel_count()));
}
BENCHMARK(BM_Quantize)->ArgsProduct({{16, 256}, {0, 1}})->Unit(benchmark::kMillisecond);

void BM_EncodeLabels(benchmark::State& state) {
  kmq::EncodeOptions options;
  options.colors = 64;
  options.level = static_cast<int>(state.range(0));
  options.label_coding = static_cast<kmq::LabelCodingChoice>(state.range(1));
  const kmq::IndexedImage indexed = kmq::quantize(photo(), options);
  for (auto _ : state) benchmark::DoNotOptimize(kmq::encode_indexed(indexed, options));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(photo().pixel_count()));
}
BENCHMARK(BM_EncodeLabels)->ArgsProduct({{3, 19}, {1, 2, 3}})->Unit(benchmark::kMillisecond);

void BM_Decode(benchmark::State& state) {
  kmq::EncodeOptions options;
  options.colors = 64;
  options.label_coding = static_cast<kmq::LabelCodingChoice>(state.range(0));
  const std::vector<std::uint8_t> file = kmq::encode(photo(), options);
  for (auto _ : state) benchmark::DoNotOptimize(kmq::decode(file));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(photo().pixel_count()));
}
BENCHMARK(BM_Decode)->Arg(1)->Arg(2)->Arg(3)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
