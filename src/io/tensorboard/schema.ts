// The part of TensorBoard's event schema that ganforge writes, as proto3 text parsed by protobufjs. Field names,
// numbers and types follow tensorflow/tensorboard's own files (tensorboard/compat/proto/event.proto,
// summary.proto, tensor.proto, tensor_shape.proto, types.proto); messages and fields we never write are left
// out, which protobuf's wire format allows (a reader skips what it does not know, and we send nothing it lacks).
import type * as Protobuf from 'protobufjs';

export const TENSORBOARD_PROTO = `
syntax = "proto3";
package tensorboard;

// types.proto (only the value we use)
enum DataType {
  DT_INVALID = 0;
  DT_STRING = 7;
}

// tensor_shape.proto
message TensorShapeProto {
  message Dim {
    int64 size = 1;
    string name = 2;
  }
  repeated Dim dim = 2;
  bool unknown_rank = 3;
}

// tensor.proto
message TensorProto {
  DataType dtype = 1;
  TensorShapeProto tensor_shape = 2;
  int32 version_number = 3;
  bytes tensor_content = 4;
  repeated bytes string_val = 8;
}

// summary.proto
message SummaryMetadata {
  message PluginData {
    string plugin_name = 1;
    bytes content = 2;
  }
  PluginData plugin_data = 1;
  string display_name = 2;
  string summary_description = 3;
}

message Summary {
  message Image {
    int32 height = 1;
    int32 width = 2;
    // 1 grayscale, 2 grayscale + alpha, 3 RGB, 4 RGBA
    int32 colorspace = 3;
    bytes encoded_image_string = 4;
  }
  message Value {
    string tag = 1;
    SummaryMetadata metadata = 9;
    oneof value {
      float simple_value = 2;
      Image image = 4;
      TensorProto tensor = 8;
    }
  }
  repeated Value value = 1;
}

// event.proto
message SessionLog {
  enum SessionStatus {
    STATUS_UNSPECIFIED = 0;
    START = 1;
    STOP = 2;
    CHECKPOINT = 3;
  }
  SessionStatus status = 1;
  string checkpoint_path = 2;
  string msg = 3;
}

message Event {
  double wall_time = 1;
  int64 step = 2;
  oneof what {
    string file_version = 3;
    Summary summary = 5;
    SessionLog session_log = 7;
  }
}
`;

let root: Protobuf.Root | null = null;

/** The parsed schema (field names as in the .proto: snake_case). */
export function tensorboardSchema(): Protobuf.Root {
  // Loaded on first use: protobufjs takes ~60 ms to load, which runs without --tensorboard need not pay.
  const protobuf: typeof Protobuf = require('protobufjs');
  root ??= protobuf.parse(TENSORBOARD_PROTO, { keepCase: true }).root;
  return root;
}

/** The message type `tensorboard.NAME` (Event, Summary, …). */
export function tensorboardType(name: string): Protobuf.Type {
  return tensorboardSchema().lookupType(`tensorboard.${name}`);
}

/** SessionLog.SessionStatus.START in event.proto. */
export const SESSION_START = 1;

/** DT_STRING in types.proto. */
export const DT_STRING = 7;
