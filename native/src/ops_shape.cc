// Shape and indexing: views, reshapes, concatenation and index-driven reads (select, gather, embedding).
// Target shapes go through ArgTargetShape (-1 allowed, no other negative dim, no int64 overflow, under the cap);
// libtorch checks indices against their dimension on CPU (index_select, gather, narrow, select) and
// test/torch/native-args.test.ts holds it to that.
#include "handle.h"

namespace ganforge {
namespace {

#define UNARY(NAME, EXPR)                                 \
  Napi::Value NAME(const Napi::CallbackInfo& i) {         \
    const at::Tensor& t = ArgTensor(i, 0);                \
    return Wrap(i.Env(), EXPR);                           \
  }

UNARY(Reshape, at::reshape(t, ArgTargetShape(i, 1, t.element_size())))
UNARY(View, t.view(ArgTargetShape(i, 1, t.element_size())))
UNARY(Flatten, at::flatten(t, ArgInt(i, 1), ArgInt(i, 2)))
UNARY(Transpose, at::transpose(t, ArgInt(i, 1), ArgInt(i, 2)))
UNARY(Permute, t.permute(ArgInts(i, 1)))
UNARY(Unsqueeze, at::unsqueeze(t, ArgInt(i, 1)))
UNARY(Squeeze, HasArg(i, 1) ? at::squeeze(t, ArgInt(i, 1)) : at::squeeze(t))
// expand(t, shape): -1 keeps an existing dimension; in a new leading dimension it has no size to keep (libtorch
// 1.13 then returns a tensor of size -1 for an empty input instead of refusing), so it is refused here.
Napi::Value Expand(const Napi::CallbackInfo& i) {
  at::Tensor t = ArgTensor(i, 0);
  auto shape = ArgTargetShape(i, 1, t.element_size());
  const int64_t added = static_cast<int64_t>(shape.size()) - t.dim();
  for (int64_t k = 0; k < added; k++) {
    if (shape[k] < 0) throw ArgRangeError("argument 1: -1 in new leading dimension " + std::to_string(k) + " has no size to keep");
  }
  return Wrap(i.Env(), t.expand(shape));
}
UNARY(Narrow, at::narrow(t, ArgInt(i, 1), ArgInt(i, 2), ArgInt(i, 3)))
UNARY(Select, at::select(t, ArgInt(i, 1), ArgInt(i, 2)))
UNARY(IndexSelect, at::index_select(t, ArgInt(i, 1), ArgTensor(i, 2)))
UNARY(Gather, at::gather(t, ArgInt(i, 1), ArgTensor(i, 2)))
Napi::Value Cat(const Napi::CallbackInfo& i) { return Wrap(i.Env(), at::cat(ArgTensorList(i, 0), ArgInt(i, 1))); }
Napi::Value Stack(const Napi::CallbackInfo& i) { return Wrap(i.Env(), at::stack(ArgTensorList(i, 0), ArgInt(i, 1))); }


// embedding(weight [num, dim], indices int64) → rows of weight
Napi::Value Embedding(const Napi::CallbackInfo& i) {
  return Wrap(i.Env(), at::embedding(ArgTensor(i, 0), ArgTensor(i, 1)));
}

}  // namespace

void RegisterShape(Napi::Env env, Napi::Object exports) {
  Export(env, exports, "reshape", Reshape);
  Export(env, exports, "view", View);
  Export(env, exports, "flatten", Flatten);
  Export(env, exports, "transpose", Transpose);
  Export(env, exports, "permute", Permute);
  Export(env, exports, "unsqueeze", Unsqueeze);
  Export(env, exports, "squeeze", Squeeze);
  Export(env, exports, "expand", Expand);
  Export(env, exports, "narrow", Narrow);
  Export(env, exports, "select", Select);
  Export(env, exports, "indexSelect", IndexSelect);
  Export(env, exports, "gather", Gather);
  Export(env, exports, "cat", Cat);
  Export(env, exports, "stack", Stack);
  Export(env, exports, "embedding", Embedding);
}

}  // namespace ganforge
