// Autograd: requires_grad, backward, .grad, detach, grad mode, and autograd.grad for double backward.
// Grad mode is thread-local in libtorch; all of these run on the JS main thread.
#include <ATen/core/grad_mode.h>
#include <torch/csrc/autograd/autograd.h>

#include "handle.h"

namespace ganforge {
namespace {

Napi::Value SetRequiresGrad(const Napi::CallbackInfo& i) {
  ArgTensor(i, 0).requires_grad_(ArgBool(i, 1));
  return i.Env().Undefined();
}
Napi::Value RequiresGrad(const Napi::CallbackInfo& i) { return Napi::Boolean::New(i.Env(), ArgTensor(i, 0).requires_grad()); }
Napi::Value IsLeaf(const Napi::CallbackInfo& i) { return Napi::Boolean::New(i.Env(), ArgTensor(i, 0).is_leaf()); }
Napi::Value Detach(const Napi::CallbackInfo& i) { return Wrap(i.Env(), ArgTensor(i, 0).detach()); }

// grad(t): a new handle on t's accumulated gradient, or null when there is none.
Napi::Value Grad(const Napi::CallbackInfo& i) { return Wrap(i.Env(), ArgTensor(i, 0).grad()); }

// clearGrads([params]): sets each .grad to none (PyTorch 2's zero_grad default; cheaper than zero-filling).
Napi::Value ClearGrads(const Napi::CallbackInfo& i) {
  for (auto& p : ArgTensorList(i, 0)) p.mutable_grad() = at::Tensor();
  return i.Env().Undefined();
}

// backward(t, gradient?, retainGraph?, createGraph?)
Napi::Value Backward(const Napi::CallbackInfo& i) {
  at::Tensor t = ArgTensor(i, 0);
  at::Tensor gradient = HasArg(i, 1) ? ArgTensor(i, 1) : at::Tensor();
  c10::optional<bool> retain;
  if (HasArg(i, 2)) retain = ArgBool(i, 2);
  t.backward(gradient, retain, ArgBool(i, 3));
  return i.Env().Undefined();
}

// autogradGrad(outputs[], inputs[], gradOutputs[]|null, retainGraph, createGraph) → gradients of inputs.
// createGraph keeps the graph of the gradients so they can be differentiated again (WGAN-GP).
Napi::Value AutogradGrad(const Napi::CallbackInfo& i) {
  auto outputs = ArgTensorList(i, 0);
  auto inputs = ArgTensorList(i, 1);
  std::vector<at::Tensor> gradOutputs;
  if (HasArg(i, 2)) gradOutputs = ArgTensorList(i, 2);
  c10::optional<bool> retain;
  if (HasArg(i, 3)) retain = ArgBool(i, 3);
  auto grads = torch::autograd::grad(outputs, inputs, gradOutputs, retain, ArgBool(i, 4), /*allow_unused=*/true);
  return WrapList(i.Env(), grads);
}

Napi::Value GradEnabled(const Napi::CallbackInfo& i) { return Napi::Boolean::New(i.Env(), c10::GradMode::is_enabled()); }
Napi::Value SetGradEnabled(const Napi::CallbackInfo& i) {
  c10::GradMode::set_enabled(ArgBool(i, 0));
  return i.Env().Undefined();
}

}  // namespace

void RegisterAutograd(Napi::Env env, Napi::Object exports) {
  Export(env, exports, "setRequiresGrad", SetRequiresGrad);
  Export(env, exports, "requiresGrad", RequiresGrad);
  Export(env, exports, "isLeaf", IsLeaf);
  Export(env, exports, "detach", Detach);
  Export(env, exports, "grad", Grad);
  Export(env, exports, "clearGrads", ClearGrads);
  Export(env, exports, "backward", Backward);
  Export(env, exports, "autogradGrad", AutogradGrad);
  Export(env, exports, "gradEnabled", GradEnabled);
  Export(env, exports, "setGradEnabled", SetGradEnabled);
}

}  // namespace ganforge
