{
  "targets": [
    {
      "target_name": "ganforge",
      "sources": [
        "native/src/addon.cc",
        "native/src/handle.cc",
        "native/src/ops_create.cc",
        "native/src/runtime.cc",
        "native/src/ops_math.cc",
        "native/src/ops_shape.cc",
        "native/src/ops_loss.cc",
        "native/src/ops_conv.cc",
        "native/src/ops_norm.cc",
        "native/src/ops_resample.cc",
        "native/src/autograd.cc",
        "native/src/optim.cc",
        "native/src/dist.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!@(node native/find-libtorch.js include)"
      ],
      "libraries": ["<!@(node native/find-libtorch.js libs)"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "<!@(node native/find-libtorch.js defines)"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++14", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-O3", "-fno-math-errno", "-fexceptions", "-frtti", "-Wno-unused-parameter", "-Wno-deprecated-declarations"]
    }
  ]
}
