// Normalisation: batch, instance and layer norm. Optional tensors may be null.
#include "handle.h"

namespace ganforge {
namespace {

// batchNorm(x, weight?, bias?, runningMean?, runningVar?, training, momentum, eps): in training, the running
// statistics are updated in place (momentum-weighted, unbiased variance), as torch.nn.BatchNorm does.
Napi::Value BatchNorm(const Napi::CallbackInfo& i) {
  return Wrap(i.Env(), at::batch_norm(ArgTensor(i, 0), OptTensor(i, 1), OptTensor(i, 2), OptTensor(i, 3), OptTensor(i, 4),
                                      ArgBool(i, 5), ArgNumber(i, 6), ArgNumber(i, 7), /*cudnn_enabled=*/true));
}

// instanceNorm(x, weight?, bias?, runningMean?, runningVar?, useInputStats, momentum, eps)
Napi::Value InstanceNorm(const Napi::CallbackInfo& i) {
  return Wrap(i.Env(), at::instance_norm(ArgTensor(i, 0), OptTensor(i, 1), OptTensor(i, 2), OptTensor(i, 3), OptTensor(i, 4),
                                         ArgBool(i, 5), ArgNumber(i, 6), ArgNumber(i, 7), /*cudnn_enabled=*/true));
}

// layerNorm(x, normalizedShape, weight?, bias?, eps)
Napi::Value LayerNorm(const Napi::CallbackInfo& i) {
  return Wrap(i.Env(), at::layer_norm(ArgTensor(i, 0), ArgInts(i, 1), OptTensor(i, 2), OptTensor(i, 3), ArgNumber(i, 4)));
}

}  // namespace

void RegisterNorm(Napi::Env env, Napi::Object exports) {
  Export(env, exports, "batchNorm", BatchNorm);
  Export(env, exports, "instanceNorm", InstanceNorm);
  Export(env, exports, "layerNorm", LayerNorm);
}

}  // namespace ganforge
