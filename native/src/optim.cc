// Optimizer updates: one native call per optimizer step updates every parameter, so a step costs no JS per
// element and no per-parameter boundary crossing. The math is PyTorch's (torch.optim.Adam / SGD, 1.13).
// float32 contiguous CPU parameters take a fused loop (one pass over memory instead of about ten ATen
// passes); anything else (CUDA, float64) takes the same math as ATen ops.
#include <ATen/core/grad_mode.h>

#include <cmath>

#include <map>

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

std::string Describe(const at::Tensor& t) {
  return DTypeName(t.scalar_type()) + " " + c10::str(t.sizes()) + " on " + t.device().str();
}

// Every state tensor must be its parameter's twin (dtype, shape, device) and its own memory, checked for all
// parameters before any is updated: the fused loop reads and writes numel(param) elements through each pointer,
// and the ATen path would otherwise broadcast a [n] state into a [1, n] parameter. O(number of tensors).
void CheckState(const char* op, const std::vector<at::Tensor>& params, const std::vector<at::Tensor>& state,
                const char* what, size_t argIndex) {
  for (size_t k = 0; k < params.size(); k++) {
    const at::Tensor& p = params[k];
    const at::Tensor& s = state[k];
    if (s.scalar_type() != p.scalar_type() || s.device() != p.device()) {
      throw ArgTypeError("argument " + std::to_string(argIndex) + " (" + what + ") element " + std::to_string(k) +
                         " is " + Describe(s) + " but its parameter is " + Describe(p));
    }
    if (!s.sizes().equals(p.sizes())) {
      throw ArgRangeError("argument " + std::to_string(argIndex) + " (" + what + ") element " + std::to_string(k) +
                          " has shape " + c10::str(s.sizes()) + " but its parameter has " + c10::str(p.sizes()));
    }
    if (s.is_alias_of(p)) {
      throw ArgRangeError("argument " + std::to_string(argIndex) + " (" + what + ") element " + std::to_string(k) +
                          " shares memory with its parameter");
    }
  }
}

void CheckParams(const std::vector<at::Tensor>& params) {
  for (size_t k = 0; k < params.size(); k++) {
    const at::Tensor& p = params[k];
    if (!at::isFloatingType(p.scalar_type())) {
      throw ArgTypeError("argument 0 (params) element " + std::to_string(k) + " is " + Describe(p) +
                         "; parameters must be floating point");
    }
    const at::Tensor& g = p.grad();
    if (g.defined() && (g.scalar_type() != p.scalar_type() || g.device() != p.device() || !g.sizes().equals(p.sizes()))) {
      throw ArgRangeError("argument 0 (params) element " + std::to_string(k) + ": gradient is " + Describe(g) +
                          " but the parameter is " + Describe(p));
    }
  }
}

void CheckCount(const std::vector<at::Tensor>& params, size_t got, const char* what, size_t argIndex) {
  if (got != params.size()) {
    throw ArgRangeError("argument " + std::to_string(argIndex) + " (" + what + ") holds " + std::to_string(got) +
                        " tensors for " + std::to_string(params.size()) + " parameters");
  }
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

// The same math as AdamOps for many parameters at once, with ATen's multi-tensor (_foreach) kernels: on a GPU
// each line is a handful of kernel launches for the whole list instead of one per parameter (PyTorch's default
// `foreach` Adam). All parameters of one call share a step count, so the bias corrections are shared.
void AdamForeach(std::vector<at::Tensor>& params, std::vector<at::Tensor>& grads, std::vector<at::Tensor>& expAvg,
                 std::vector<at::Tensor>& expAvgSq, double step, const AdamHyper& h) {
  if (h.weightDecay != 0) grads = at::_foreach_add(grads, params, h.weightDecay);
  at::_foreach_mul_(expAvg, h.beta1);
  at::_foreach_add_(expAvg, grads, 1 - h.beta1);
  at::_foreach_mul_(expAvgSq, h.beta2);
  at::_foreach_addcmul_(expAvgSq, grads, grads, 1 - h.beta2);
  const double stepSize = h.lr / (1 - std::pow(h.beta1, step));
  const double bc2Sqrt = std::sqrt(1 - std::pow(h.beta2, step));
  std::vector<at::Tensor> denom = at::_foreach_sqrt(expAvgSq);
  at::_foreach_div_(denom, bc2Sqrt);
  at::_foreach_add_(denom, h.eps);
  at::_foreach_addcdiv_(params, expAvg, denom, -stepSize);
}

// adamStep(params[], expAvg[], expAvgSq[], maxExpAvgSq[] (empty unless amsgrad), steps: Float64Array,
//          lr, beta1, beta2, eps, weightDecay, amsgrad, fused)
// Parameters without a gradient are skipped and keep their step count, as in PyTorch.
Napi::Value AdamStep(const Napi::CallbackInfo& i) {
  c10::NoGradGuard noGrad;
  auto params = ArgTensorList(i, 0);
  auto expAvg = ArgTensorList(i, 1);
  auto expAvgSq = ArgTensorList(i, 2);
  auto maxSq = ArgTensorList(i, 3);
  auto steps = ArgFloat64Array(i, 4, params.size());
  AdamHyper h{ArgNumber(i, 5), ArgNumber(i, 6), ArgNumber(i, 7), ArgNumber(i, 8), ArgNumber(i, 9), ArgBool(i, 10)};
  bool allowFused = ArgBool(i, 11);
  CheckParams(params);
  CheckCount(params, expAvg.size(), "expAvg", 1);
  CheckCount(params, expAvgSq.size(), "expAvgSq", 2);
  CheckState("adamStep", params, expAvg, "expAvg", 1);
  CheckState("adamStep", params, expAvgSq, "expAvgSq", 2);
  if (h.amsgrad) {
    CheckCount(params, maxSq.size(), "maxExpAvgSq", 3);
    CheckState("adamStep", params, maxSq, "maxExpAvgSq", 3);
  }
  for (size_t k = 0; k < params.size(); k++) {
    if (expAvg[k].is_alias_of(expAvgSq[k]) || (h.amsgrad && (maxSq[k].is_alias_of(expAvg[k]) || maxSq[k].is_alias_of(expAvgSq[k])))) {
      throw ArgRangeError("optimizer state element " + std::to_string(k) + " shares memory with another state tensor");
    }
  }
  // Off the CPU fast path (a GPU), parameters without AMSGrad are updated together, grouped by step count.
  std::map<double, std::vector<size_t>> together;
  for (size_t k = 0; k < params.size(); k++) {
    const at::Tensor& grad = params[k].grad();
    if (!grad.defined()) continue;
    steps[k] += 1;
    at::Tensor* maxK = h.amsgrad ? &maxSq[k] : nullptr;
    if (!h.amsgrad && params[k].is_cuda()) {
      together[steps[k]].push_back(k);
      continue;
    }
    std::vector<const at::Tensor*> all = {&params[k], &grad, &expAvg[k], &expAvgSq[k]};
    if (maxK) all.push_back(maxK);
    if (allowFused && FusedEligible(all)) {
      AdamFused(params[k], grad, expAvg[k], expAvgSq[k], maxK, steps[k], h);
    } else {
      AdamOps(params[k], grad, expAvg[k], expAvgSq[k], maxK, steps[k], h);
    }
  }
  for (auto& [step, members] : together) {
    std::vector<at::Tensor> p, g, m, v;
    for (size_t k : members) {
      p.push_back(params[k]);
      g.push_back(params[k].grad());
      m.push_back(expAvg[k]);
      v.push_back(expAvgSq[k]);
    }
    AdamForeach(p, g, m, v, step, h);
  }
  return i.Env().Undefined();
}

// sgdStep(params[], momentumBuffers[] (empty when momentum is 0), steps: Float64Array,
//         lr, momentum, dampening, weightDecay, nesterov)
Napi::Value SgdStep(const Napi::CallbackInfo& i) {
  c10::NoGradGuard noGrad;
  auto params = ArgTensorList(i, 0);
  auto buffers = ArgTensorList(i, 1);
  auto steps = ArgFloat64Array(i, 2, params.size());
  double lr = ArgNumber(i, 3), momentum = ArgNumber(i, 4), dampening = ArgNumber(i, 5), weightDecay = ArgNumber(i, 6);
  bool nesterov = ArgBool(i, 7);
  CheckParams(params);
  if (momentum != 0) {
    CheckCount(params, buffers.size(), "momentumBuffers", 1);
    CheckState("sgdStep", params, buffers, "momentumBuffers", 1);
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
  c10::NoGradGuard noGrad;
  auto averages = ArgTensorList(i, 0);
  auto params = ArgTensorList(i, 1);
  double decay = ArgNumber(i, 2);
  CheckCount(averages, params.size(), "params", 1);
  CheckParams(averages);
  CheckState("emaUpdate", averages, params, "params", 1);
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
