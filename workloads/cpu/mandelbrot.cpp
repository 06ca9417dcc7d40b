// cpu.mandelbrot: a size x size Mandelbrot image with `iterations` per
// pixel. The kernel is split by rows, so `parallel` and `hybrid` spread one
// image over the cores. The digest (sum of escape counts) must be equal
// for every strategy.
#include <fmt/format.h>

#include <chrono>
#include <utility>

#include "apbench/calibration.hpp"
#include "apbench/error.hpp"
#include "apbench/registry.hpp"
#include "apbench/units.hpp"

namespace {

namespace asio = apb::asio;

std::uint64_t escape_count(double cx, double cy, int iterations) {
  double x = 0, y = 0;
  int i = 0;
  while (i < iterations && x * x + y * y <= 4.0) {
    const double xt = x * x - y * y + cx;
    y = 2.0 * x * y + cy;
    x = xt;
    ++i;
  }
  return static_cast<std::uint64_t>(i);
}

// Rows [begin, end) of the image over [-2, 1] x [-1.5, 1.5].
std::uint64_t render_rows(std::size_t size, int iterations,
                          apb::IndexRange rows) {
  const double scale = 3.0 / static_cast<double>(size);
  std::uint64_t digest = 0;
  for (std::size_t row = rows.begin; row < rows.end; ++row) {
    const double cy = -1.5 + static_cast<double>(row) * scale;
    for (std::size_t col = 0; col < size; ++col)
      digest +=
          escape_count(-2.0 + static_cast<double>(col) * scale, cy, iterations);
  }
  return digest;
}

class MandelbrotWorkload final : public apb::Workload {
 public:
  static apb::WorkloadInfo info() {
    return {
        .name = "cpu.mandelbrot",
        .kind = apb::WorkloadKind::cpu,
        .description =
            "Mandelbrot image of size x size pixels, splittable "
            "by rows; checksum equal across strategies",
        .params = {{"size",
                    apb::ParamType::integer,
                    "1024",
                    "image width and height in pixels",
                    {}},
                   {"iterations",
                    apb::ParamType::integer,
                    "256",
                    "maximum iterations per pixel",
                    {}}},
        .forms = apb::form_kernel,
        .default_ops = 4,
    };
  }

  void setup(const apb::RunSetup& run) override {
    const auto size = run.params.integer("size");
    const auto iterations = run.params.integer("iterations");
    if (size < 1 || size > 65536)
      throw apb::UsageError(fmt::format(
          "bad value '{}' for parameter 'size': expected 1..65536", size));
    if (iterations < 1 || iterations > 1'000'000)
      throw apb::UsageError(fmt::format(
          "bad value '{}' for parameter 'iterations': expected 1..1000000",
          iterations));
    size_ = static_cast<std::size_t>(size);
    iterations_ = static_cast<int>(iterations);
    // Measured once per size and iterations, so every strategy of a
    // session reports the same ideal.
    serial_seconds_ = apb::calibrate_once<double>(
        run.params, "cpu.mandelbrot/serial image",
        [&] { return serial_op_seconds(size_, iterations_); });
  }

  std::size_t kernel_size() const override { return size_; }
  std::uint64_t kernel(apb::OpContext&, apb::IndexRange rows) override {
    return render_rows(size_, iterations_, rows);
  }

  // The work of one image, measured serially once, spread over all cores.
  std::optional<double> ideal_seconds(const apb::RunSetup& run) const override {
    return serial_seconds_ * static_cast<double>(run.ops) / run.cores;
  }

  std::vector<std::pair<std::string, std::string>> notes() const override {
    return {
        {"serial image time",
         apb::format_duration(serial_seconds_) +
             " on one core (estimated once per size and iterations from every "
             "4th row, best of 3)"}};
  }

 private:
  // The serial time of one image, estimated from every 4th row (a quarter
  // of the work, rows spread over the whole image), best of 3 timings:
  // interference can only slow a timing down.
  static double serial_op_seconds(std::size_t size, int iterations) {
    constexpr std::size_t kStride = 4;
    double best = 0;
    for (int attempt = 0; attempt < 3; ++attempt) {
      const auto start = std::chrono::steady_clock::now();
      std::uint64_t sink = 0;
      std::size_t rows = 0;
      for (std::size_t row = 0; row < size; row += kStride, ++rows)
        sink += render_rows(size, iterations, {row, row + 1});
      const double s = std::chrono::duration<double>(
                           std::chrono::steady_clock::now() - start)
                           .count() *
                       static_cast<double>(size) / static_cast<double>(rows);
      if (sink != 0 && (best == 0 || s < best)) best = s;
    }
    return best;
  }

  std::size_t size_ = 0;
  int iterations_ = 0;
  double serial_seconds_ = 0;
};

}  // namespace

APB_REGISTER_WORKLOAD(MandelbrotWorkload);
