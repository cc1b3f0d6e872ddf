// Optimizer updates: one native call per optimizer step updates every parameter, so a step costs no JS per
// element and no per-parameter boundary crossing. The math is PyTorch's (torch.optim.Adam / SGD, 1.13).
// float32 contiguous CPU parameters take a fused loop (one pass over memory instead of about ten ATen
// passes); anything else (CUDA, float64) takes the same math as ATen ops.
#include <ATen/core/grad_mode.h>

#include <cmath>

#include "handle.h"

namespace ganforge {
namespace {

struct AdamHyper {
  double lr, beta1, beta2, eps, weightDecay;
  bool amsgrad;
};

bool FusedEligible(const std::vector<const at::Tensor*>& tensors) {
  for (const at::Tensor* t : tensors) {
    if (!t->defined()) continue;
    if (t->device().type() != at::kCPU || t->scalar_type() != at::kFloat || !t->is_contiguous()) return false;
  }
  return true;
}

// Compiled for AVX2 and for baseline x86-64; the loader picks the best the CPU has.
#if defined(__x86_64__)
__attribute__((target_clones("avx2", "default")))
#endif
void AdamFused(at::Tensor& param, const at::Tensor& gradT, at::Tensor& expAvg, at::Tensor& expAvgSq,
               at::Tensor* maxExpAvgSq, double step, const AdamHyper& h) {
  const float b1 = static_cast<float>(h.beta1), b2 = static_cast<float>(h.beta2);
  const float oneMinusB1 = static_cast<float>(1 - h.beta1), oneMinusB2 = static_cast<float>(1 - h.beta2);
  const float wd = static_cast<float>(h.weightDecay), eps = static_cast<float>(h.eps);
  const float stepSize = static_cast<float>(h.lr / (1 - std::pow(h.beta1, step)));
  const float invBc2Sqrt = static_cast<float>(1 / std::sqrt(1 - std::pow(h.beta2, step)));
  float* p = param.data_ptr<float>();
  const float* g = gradT.data_ptr<float>();
  float* m = expAvg.data_ptr<float>();
  float* v = expAvgSq.data_ptr<float>();
  float* vmax = maxExpAvgSq ? maxExpAvgSq->data_ptr<float>() : nullptr;
  const int64_t n = param.numel();
  for (int64_t k = 0; k < n; k++) {
    float grad = g[k] + wd * p[k];
    float mk = m[k] * b1 + oneMinusB1 * grad;
    float vk = v[k] * b2 + oneMinusB2 * grad * grad;
    m[k] = mk;
    v[k] = vk;
    if (vmax) {
      vk = vk > vmax[k] ? vk : vmax[k];
      vmax[k] = vk;
    }
    float denom = std::sqrt(vk) * invBc2Sqrt + eps;
    p[k] -= stepSize * mk / denom;
  }
}

void AdamOps(at::Tensor& param, const at::Tensor& gradIn, at::Tensor& expAvg, at::Tensor& expAvgSq,
             at::Tensor* maxExpAvgSq, double step, const AdamHyper& h) {
  at::Tensor grad = h.weightDecay != 0 ? gradIn.add(param, h.weightDecay) : gradIn;
  expAvg.mul_(h.beta1).add_(grad, 1 - h.beta1);
  expAvgSq.mul_(h.beta2).addcmul_(grad, grad, 1 - h.beta2);
  const double stepSize = h.lr / (1 - std::pow(h.beta1, step));
  const double bc2Sqrt = std::sqrt(1 - std::pow(h.beta2, step));
  at::Tensor second = expAvgSq;
  if (maxExpAvgSq) {
    at::maximum_out(*maxExpAvgSq, *maxExpAvgSq, expAvgSq);
    second = *maxExpAvgSq;
  }
  at::Tensor denom = (second.sqrt() / bc2Sqrt).add_(h.eps);
  param.addcdiv_(expAvg, denom, -stepSize);
}

// adamStep(params[], expAvg[], expAvgSq[], maxExpAvgSq[] (empty unless amsgrad), steps: Float64Array,
//          lr, beta1, beta2, eps, weightDecay, amsgrad, fused)
// Parameters without a gradient are skipped and keep their step count, as in PyTorch.
Napi::Value AdamStep(const Napi::CallbackInfo& i) {
  at::NoGradGuard noGrad;
  auto params = ArgTensorList(i, 0);
  auto expAvg = ArgTensorList(i, 1);
  auto expAvgSq = ArgTensorList(i, 2);
  auto maxSq = ArgTensorList(i, 3);
  auto steps = i[4].As<Napi::Float64Array>();
  AdamHyper h{ArgNumber(i, 5), ArgNumber(i, 6), ArgNumber(i, 7), ArgNumber(i, 8), ArgNumber(i, 9), ArgBool(i, 10)};
  bool allowFused = ArgBool(i, 11);
  if (expAvg.size() != params.size() || expAvgSq.size() != params.size() || steps.ElementLength() != params.size() ||
      (h.amsgrad && maxSq.size() != params.size())) {
    throw Napi::Error::New(i.Env(), "adamStep: optimizer state does not match the parameter list");
  }
  for (size_t k = 0; k < params.size(); k++) {
    const at::Tensor& grad = params[k].grad();
    if (!grad.defined()) continue;
    steps[k] += 1;
    at::Tensor* maxK = h.amsgrad ? &maxSq[k] : nullptr;
    std::vector<const at::Tensor*> all = {&params[k], &grad, &expAvg[k], &expAvgSq[k]};
    if (maxK) all.push_back(maxK);
    if (allowFused && FusedEligible(all)) {
      AdamFused(params[k], grad, expAvg[k], expAvgSq[k], maxK, steps[k], h);
    } else {
      AdamOps(params[k], grad, expAvg[k], expAvgSq[k], maxK, steps[k], h);
    }
  }
  return i.Env().Undefined();
}

// sgdStep(params[], momentumBuffers[] (empty when momentum is 0), steps: Float64Array,
//         lr, momentum, dampening, weightDecay, nesterov)
Napi::Value SgdStep(const Napi::CallbackInfo& i) {
  at::NoGradGuard noGrad;
  auto params = ArgTensorList(i, 0);
  auto buffers = ArgTensorList(i, 1);
  auto steps = i[2].As<Napi::Float64Array>();
  double lr = ArgNumber(i, 3), momentum = ArgNumber(i, 4), dampening = ArgNumber(i, 5), weightDecay = ArgNumber(i, 6);
  bool nesterov = ArgBool(i, 7);
  if ((momentum != 0 && buffers.size() != params.size()) || steps.ElementLength() != params.size()) {
    throw Napi::Error::New(i.Env(), "sgdStep: optimizer state does not match the parameter list");
  }
  for (size_t k = 0; k < params.size(); k++) {
    const at::Tensor& grad = params[k].grad();
    if (!grad.defined()) continue;
    steps[k] += 1;
    at::Tensor d = weightDecay != 0 ? grad.add(params[k], weightDecay) : grad;
    if (momentum != 0) {
      at::Tensor& buf = buffers[k];
      if (steps[k] == 1) {
        buf.copy_(d);  // PyTorch starts the buffer at the first gradient, undamped
      } else {
        buf.mul_(momentum).add_(d, 1 - dampening);
      }
      d = nesterov ? d.add(buf, momentum) : buf;
    }
    params[k].add_(d, -lr);
  }
  return i.Env().Undefined();
}

// emaUpdate(averages[], params[], decay): average ← decay·average + (1 − decay)·param, for an exponential
// moving average of a generator's weights (used for sampling).
Napi::Value EmaUpdate(const Napi::CallbackInfo& i) {
  at::NoGradGuard noGrad;
  auto averages = ArgTensorList(i, 0);
  auto params = ArgTensorList(i, 1);
  double decay = ArgNumber(i, 2);
  if (averages.size() != params.size()) throw Napi::Error::New(i.Env(), "emaUpdate: lists differ in length");
  for (size_t k = 0; k < params.size(); k++) averages[k].lerp_(params[k], 1 - decay);
  return i.Env().Undefined();
}

}  // namespace

void RegisterOptim(Napi::Env env, Napi::Object exports) {
  Export(env, exports, "adamStep", AdamStep);
  Export(env, exports, "sgdStep", SgdStep);
  Export(env, exports, "emaUpdate", EmaUpdate);
}

}  // namespace ganforge
