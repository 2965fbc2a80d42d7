// SPDX-License-Identifier: MIT
// EM for a full-covariance Gaussian mixture. The E-step accumulates the M-step's sufficient
// statistics directly (responsibilities are never stored), in fixed chunks reduced in order, so
// memory is O(K) per chunk and results do not depend on the thread count.
#include "quantize/cluster/gmm.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "common/parallel.hpp"
#include "quantize/cluster/nearest_centre.hpp"

namespace kmq::detail {

namespace {

constexpr std::size_t kMaxDims = 4;

// Sufficient statistics: weight, first and second moments per component.
struct Moments {
  std::vector<double> weight, first, second;
  Moments(std::size_t k, std::size_t dims)
      : weight(k, 0), first(k * dims, 0), second(k * dims * dims, 0) {}
  void clear() {
    std::fill(weight.begin(), weight.end(), 0);
    std::fill(first.begin(), first.end(), 0);
    std::fill(second.begin(), second.end(), 0);
  }
  void add(const Moments& other) {
    for (std::size_t i = 0; i < weight.size(); ++i) weight[i] += other.weight[i];
    for (std::size_t i = 0; i < first.size(); ++i) first[i] += other.first[i];
    for (std::size_t i = 0; i < second.size(); ++i) second[i] += other.second[i];
  }
};

// One component in the form the E-step needs: mean, Cholesky factor of the covariance and the
// constant part of its log density.
struct Component {
  double mean[kMaxDims];
  double cholesky[kMaxDims * kMaxDims];  // lower triangular
  double log_normaliser;                 // log weight - (d log 2pi + log det) / 2
};

class Mixture {
 public:
  Mixture(const WeightedPoints& points, const GmmParams& params)
      : points_(points),
        params_(params),
        k_(static_cast<std::size_t>(params.components)),
        dims_(static_cast<std::size_t>(params.dimensions)),
        weights_(k_),
        means_(k_ * dims_),
        covariances_(k_ * dims_ * dims_),
        components_(k_) {
    total_weight_ = 0;
    for (const auto w : points.weights) total_weight_ += w;
    // Bounded chunk count keeps the per-chunk moments small for large K.
    const std::size_t per_chunk_bytes = k_ * (1 + dims_ + dims_ * dims_) * sizeof(double);
    const std::size_t max_chunks =
        std::max<std::size_t>(1, (std::size_t{1} << 27) / per_chunk_bytes);
    chunk_size_ = std::max<std::size_t>(4096, (points.size() + max_chunks - 1) / max_chunks);
  }

  // M-step from moments.
  void maximise(const Moments& moments) {
    for (std::size_t c = 0; c < k_; ++c) {
      const double w = moments.weight[c];
      if (w <= 0) {
        weights_[c] = 0;  // an empty component keeps its shape but can no longer win a pixel
        continue;
      }
      weights_[c] = w / total_weight_;
      for (std::size_t a = 0; a < dims_; ++a)
        means_[c * dims_ + a] = moments.first[c * dims_ + a] / w;
      for (std::size_t a = 0; a < dims_; ++a) {
        for (std::size_t b = 0; b <= a; ++b) {
          double value = moments.second[(c * dims_ + a) * dims_ + b] / w -
                         means_[c * dims_ + a] * means_[c * dims_ + b];
          if (a == b) value = std::max(value, 0.0) + params_.covariance_floor;
          covariances_[(c * dims_ + a) * dims_ + b] = value;
          covariances_[(c * dims_ + b) * dims_ + a] = value;
        }
      }
    }
    prepare_components();
  }

  // Moments of a hard assignment (the K-means initialisation).
  Moments hard_moments(const std::vector<std::uint32_t>& assignment) const {
    Moments moments(k_, dims_);
    for (std::size_t i = 0; i < points_.size(); ++i) {
      accumulate(moments, assignment[i], static_cast<double>(points_.weights[i]),
                 &points_.coords[i * kDims]);
    }
    return moments;
  }

  // E-step: moments under the current parameters, and the mean log-likelihood per pixel.
  double expect(Moments& moments) const {
    std::vector<Moments> partial(chunk_count(points_.size(), chunk_size_), Moments(k_, dims_));
    const double ll = for_each_point([&](std::size_t chunk, std::size_t, const float* x, double w,
                                         const std::vector<double>& log_prob, double lse) {
      for (std::size_t c = 0; c < k_; ++c) {
        // Responsibilities below e^-28 (1e-12) change nothing; skip their exp.
        const double log_r = log_prob[c] - lse;
        if (log_r > -28) accumulate(partial[chunk], c, w * std::exp(log_r), x);
      }
    });
    moments.clear();
    for (const Moments& part : partial) moments.add(part);
    return ll;
  }

  // Component of highest responsibility for every point, and the mean log-likelihood.
  double most_likely(std::vector<std::uint32_t>& assignment) const {
    assignment.resize(points_.size());
    return for_each_point([&](std::size_t, std::size_t i, const float*, double,
                              const std::vector<double>& log_prob, double) {
      assignment[i] = static_cast<std::uint32_t>(
          std::max_element(log_prob.begin(), log_prob.end()) - log_prob.begin());
    });
  }

  // Calls visit(chunk, i, x, weight, log_prob, log_sum) for every point, in fixed chunks on
  // the worker threads; returns the mean log-likelihood per pixel (summed in chunk order).
  template <class Visit>
  double for_each_point(Visit&& visit) const {
    std::vector<double> partial_ll(chunk_count(points_.size(), chunk_size_), 0);
    parallel_chunks(points_.size(), chunk_size_, params_.threads,
                    [&](std::size_t, std::size_t chunk, std::size_t begin, std::size_t end) {
                      std::vector<double> log_prob(k_);
                      double ll = 0;
                      for (std::size_t i = begin; i < end; ++i) {
                        const float* x = &points_.coords[i * kDims];
                        const double lse = log_probabilities(x, log_prob);
                        const double w = points_.weights[i];
                        ll += w * lse;
                        visit(chunk, i, x, w, log_prob, lse);
                      }
                      partial_ll[chunk] = ll;
                    });
    double ll = 0;
    for (const double part : partial_ll) ll += part;
    return ll / total_weight_;
  }

  void export_to(GmmResult& result) const {
    result.means.assign(k_ * kDims, 0.f);
    for (std::size_t c = 0; c < k_; ++c) {
      for (std::size_t a = 0; a < dims_; ++a) {
        result.means[c * kDims + a] = static_cast<float>(means_[c * dims_ + a]);
      }
    }
    result.weights = weights_;
    result.covariances = covariances_;
  }

 private:
  void accumulate(Moments& moments, std::size_t c, double w, const float* x) const {
    moments.weight[c] += w;
    for (std::size_t a = 0; a < dims_; ++a) {
      const double wx = w * x[a];
      moments.first[c * dims_ + a] += wx;
      for (std::size_t b = 0; b <= a; ++b) moments.second[(c * dims_ + a) * dims_ + b] += wx * x[b];
    }
    // Only the lower triangle is summed; maximise() mirrors it.
  }

  void prepare_components() {
    for (std::size_t c = 0; c < k_; ++c) {
      Component& component = components_[c];
      double matrix[kMaxDims * kMaxDims];
      for (std::size_t a = 0; a < dims_; ++a) {
        component.mean[a] = means_[c * dims_ + a];
        for (std::size_t b = 0; b < dims_; ++b)
          matrix[a * dims_ + b] = covariances_[(c * dims_ + a) * dims_ + b];
      }
      // Cholesky; the floor keeps the diagonal positive, and a failing pivot is clamped.
      double log_det = 0;
      for (std::size_t a = 0; a < dims_; ++a) {
        for (std::size_t b = 0; b <= a; ++b) {
          double sum = matrix[a * dims_ + b];
          for (std::size_t j = 0; j < b; ++j)
            sum -= component.cholesky[a * dims_ + j] * component.cholesky[b * dims_ + j];
          if (a == b) {
            const double pivot = std::sqrt(std::max(sum, params_.covariance_floor));
            component.cholesky[a * dims_ + a] = pivot;
            log_det += 2 * std::log(pivot);
          } else {
            component.cholesky[a * dims_ + b] = sum / component.cholesky[b * dims_ + b];
          }
        }
      }
      const double log_weight =
          weights_[c] > 0 ? std::log(weights_[c]) : -std::numeric_limits<double>::infinity();
      component.log_normaliser =
          log_weight -
          0.5 * (static_cast<double>(dims_) * std::log(2 * std::numbers::pi) + log_det);
    }
  }

  // Fills log(weight_c * N(x | c)) for every component; returns their log-sum-exp.
  double log_probabilities(const float* x, std::vector<double>& log_prob) const {
    double largest = -std::numeric_limits<double>::infinity();
    for (std::size_t c = 0; c < k_; ++c) {
      const Component& component = components_[c];
      double y[kMaxDims];
      double distance = 0;
      for (std::size_t a = 0; a < dims_; ++a) {
        double value = x[a] - component.mean[a];
        for (std::size_t j = 0; j < a; ++j) value -= component.cholesky[a * dims_ + j] * y[j];
        y[a] = value / component.cholesky[a * dims_ + a];
        distance += y[a] * y[a];
      }
      log_prob[c] = component.log_normaliser - 0.5 * distance;
      largest = std::max(largest, log_prob[c]);
    }
    // Terms below e^-40 of the largest cannot change a double sum; skip their exp.
    double sum = 0;
    for (std::size_t c = 0; c < k_; ++c) {
      const double relative = log_prob[c] - largest;
      if (relative > -40) sum += std::exp(relative);
    }
    return largest + std::log(sum);
  }

  const WeightedPoints& points_;
  const GmmParams& params_;
  std::size_t k_, dims_;
  double total_weight_;
  std::size_t chunk_size_;
  std::vector<double> weights_, means_, covariances_;
  std::vector<Component> components_;
};

}  // namespace

GmmResult fit_gmm(const WeightedPoints& points,
                  const std::vector<std::uint32_t>& initial_assignment, const GmmParams& params) {
  Mixture mixture(points, params);
  Moments moments = mixture.hard_moments(initial_assignment);
  mixture.maximise(moments);
  GmmResult result;
  for (int step = 0; step < params.max_iterations; ++step) {
    const double ll = mixture.expect(moments);
    mixture.maximise(moments);
    result.log_likelihood.push_back(ll);
    ++result.iterations;
    const std::size_t n = result.log_likelihood.size();
    if (n >= 2 && std::abs(ll - result.log_likelihood[n - 2]) < params.tolerance) {
      result.converged = true;
      break;
    }
  }
  // Final responsibilities under the final parameters.
  const double final_ll = mixture.most_likely(result.assignment);
  result.log_likelihood.push_back(final_ll);
  mixture.export_to(result);
  return result;
}

}  // namespace kmq::detail
