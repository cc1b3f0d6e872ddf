// Convolutional building blocks: convolutions, normalisation, pooling, upsampling, embeddings.
// Spatial arguments are [h, w] pairs; optional tensors may be null.
#include "handle.h"

namespace ganforge {
namespace {

c10::optional<at::Tensor> OptTensor(const Napi::CallbackInfo& i, size_t k) {
  if (!HasArg(i, k)) return c10::nullopt;
  return ArgTensor(i, k);
}

// conv2d(x, weight, bias?, stride, padding, dilation, groups)
Napi::Value Conv2d(const Napi::CallbackInfo& i) {
  return Wrap(i.Env(), at::conv2d(ArgTensor(i, 0), ArgTensor(i, 1), OptTensor(i, 2), ArgInts(i, 3), ArgInts(i, 4),
                                  ArgInts(i, 5), ArgInt(i, 6)));
}
// convTranspose2d(x, weight [in, out/groups, kh, kw], bias?, stride, padding, outputPadding, groups, dilation)
Napi::Value ConvTranspose2d(const Napi::CallbackInfo& i) {
  return Wrap(i.Env(), at::conv_transpose2d(ArgTensor(i, 0), ArgTensor(i, 1), OptTensor(i, 2), ArgInts(i, 3),
                                            ArgInts(i, 4), ArgInts(i, 5), ArgInt(i, 6), ArgInts(i, 7)));
}
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
// maxPool2d(x, kernel, stride, padding, dilation, ceilMode)
Napi::Value MaxPool2d(const Napi::CallbackInfo& i) {
  return Wrap(i.Env(), at::max_pool2d(ArgTensor(i, 0), ArgInts(i, 1), ArgInts(i, 2), ArgInts(i, 3), ArgInts(i, 4), ArgBool(i, 5)));
}
// avgPool2d(x, kernel, stride, padding, ceilMode, countIncludePad)
Napi::Value AvgPool2d(const Napi::CallbackInfo& i) {
  return Wrap(i.Env(), at::avg_pool2d(ArgTensor(i, 0), ArgInts(i, 1), ArgInts(i, 2), ArgInts(i, 3), ArgBool(i, 4), ArgBool(i, 5)));
}
// upsampleBilinear2d(x, outputSize, alignCorners)
Napi::Value UpsampleBilinear2d(const Napi::CallbackInfo& i) {
  return Wrap(i.Env(), at::upsample_bilinear2d(ArgTensor(i, 0), ArgInts(i, 1), ArgBool(i, 2), c10::nullopt, c10::nullopt));
}
// upsampleNearest2d(x, outputSize)
Napi::Value UpsampleNearest2d(const Napi::CallbackInfo& i) {
  return Wrap(i.Env(), at::upsample_nearest2d(ArgTensor(i, 0), ArgInts(i, 1), c10::nullopt, c10::nullopt));
}
// embedding(weight [num, dim], indices int64) → rows of weight
Napi::Value Embedding(const Napi::CallbackInfo& i) {
  return Wrap(i.Env(), at::embedding(ArgTensor(i, 0), ArgTensor(i, 1)));
}
// pad(x, [left, right, top, bottom, …], mode 'constant'|'reflect'|'replicate', value)
Napi::Value Pad(const Napi::CallbackInfo& i) {
  std::string mode = HasArg(i, 2) ? ArgString(i, 2) : "constant";
  c10::optional<double> value;
  if (HasArg(i, 3)) value = ArgNumber(i, 3);
  return Wrap(i.Env(), at::pad(ArgTensor(i, 0), ArgInts(i, 1), mode, value));
}

}  // namespace

void RegisterConv(Napi::Env env, Napi::Object exports) {
  Export(env, exports, "conv2d", Conv2d);
  Export(env, exports, "convTranspose2d", ConvTranspose2d);
  Export(env, exports, "batchNorm", BatchNorm);
  Export(env, exports, "instanceNorm", InstanceNorm);
  Export(env, exports, "layerNorm", LayerNorm);
  Export(env, exports, "maxPool2d", MaxPool2d);
  Export(env, exports, "avgPool2d", AvgPool2d);
  Export(env, exports, "upsampleBilinear2d", UpsampleBilinear2d);
  Export(env, exports, "upsampleNearest2d", UpsampleNearest2d);
  Export(env, exports, "embedding", Embedding);
  Export(env, exports, "pad", Pad);
}

}  // namespace ganforge
