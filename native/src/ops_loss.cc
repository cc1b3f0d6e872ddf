// Losses (BCE, MSE, cross-entropy) and dropout. Reductions are named "mean", "sum" or "none".
#include <ATen/core/Reduction.h>

#include "handle.h"

namespace ganforge {
namespace {

int64_t ArgReduction(const Napi::CallbackInfo& i, size_t k) {
  if (!HasArg(i, k)) return at::Reduction::Mean;
  std::string name = ArgString(i, k);
  if (name == "mean") return at::Reduction::Mean;
  if (name == "sum") return at::Reduction::Sum;
  if (name == "none") return at::Reduction::None;
  throw ArgRangeError("unknown reduction '" + name + "' (expected mean, sum or none)");
}

// bceWithLogits(logits, target, reduction?): the numerically stable BCE on logits.
Napi::Value BceWithLogits(const Napi::CallbackInfo& i) {
  return Wrap(i.Env(), at::binary_cross_entropy_with_logits(ArgTensor(i, 0), ArgTensor(i, 1), {}, {}, ArgReduction(i, 2)));
}
// bce(probabilities, target, reduction?)
Napi::Value Bce(const Napi::CallbackInfo& i) {
  return Wrap(i.Env(), at::binary_cross_entropy(ArgTensor(i, 0), ArgTensor(i, 1), {}, ArgReduction(i, 2)));
}
// mse(input, target, reduction?)
Napi::Value Mse(const Napi::CallbackInfo& i) {
  return Wrap(i.Env(), at::mse_loss(ArgTensor(i, 0), ArgTensor(i, 1), ArgReduction(i, 2)));
}
// crossEntropy(logits [N, C], classes int64 [N], reduction?, labelSmoothing?)
Napi::Value CrossEntropy(const Napi::CallbackInfo& i) {
  double smoothing = HasArg(i, 3) ? ArgNumber(i, 3) : 0.0;
  return Wrap(i.Env(), at::cross_entropy_loss(ArgTensor(i, 0), ArgTensor(i, 1), {}, ArgReduction(i, 2), -100, smoothing));
}
// dropout(t, p, training)
Napi::Value Dropout(const Napi::CallbackInfo& i) {
  return Wrap(i.Env(), at::dropout(ArgTensor(i, 0), ArgNumber(i, 1), ArgBool(i, 2)));
}

}  // namespace

void RegisterLoss(Napi::Env env, Napi::Object exports) {
  Export(env, exports, "bceWithLogits", BceWithLogits);
  Export(env, exports, "bce", Bce);
  Export(env, exports, "mse", Mse);
  Export(env, exports, "crossEntropy", CrossEntropy);
  Export(env, exports, "dropout", Dropout);
}

}  // namespace ganforge
