import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from '../../../scripts/k8s-schema/generate';

describe('k8s schema generator', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'k8s-schema-'));
    const dir = join(root, 'widgets', 'v1');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'generated.proto'),
      `syntax = "proto2";
package k8s.io.api.widgets.v1;
import "k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto";
option go_package = "k8s.io/api/widgets/v1";
// Widget is a test kind.
message Widget {
  // metadata, with a URL in the comment: https://example.com/{x}
  optional k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional WidgetHandler handler = 2;
  repeated string tags = 3;
  map<string, bytes> blobs = 4;
  optional int32 size = 5;
  optional string note = 6;
}
message WidgetHandler {
  optional string path = 1;
}
`,
    );
    writeFileSync(
      join(dir, 'types.go'),
      `package v1
// +groupName=widgets.example.com
type Widget struct {
	metav1.TypeMeta \`json:",inline"\`
	// Standard object metadata, see https://example.com/
	metav1.ObjectMeta \`json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"\`
	WidgetHandler \`json:",inline" protobuf:"bytes,2,opt,name=handler"\`
	Tags []string \`json:"tags" protobuf:"bytes,3,rep,name=tags"\`
	Blobs map[string][]byte \`json:"blobs,omitempty" protobuf:"bytes,4,rep,name=blobs"\`
	Size *int32 \`json:"size,omitempty" protobuf:"varint,5,opt,name=size"\`
	Note string \`json:"-" protobuf:"bytes,6,opt,name=note"\`
}
type WidgetHandler struct {
	Path string \`json:"path,omitempty" protobuf:"bytes,1,opt,name=path"\`
}
`,
    );
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('joins proto field numbers with Go JSON tags, inline and pointer markers, and lists kinds', () => {
    const t = generate([root], 'v0.0.0-test', ['test/widgets@0']);
    expect(t.source).toEqual({ repos: ['test/widgets@0'], tag: 'v0.0.0-test', generatedBy: 'scripts/k8s-schema/generate.ts' });
    expect(t.kinds).toEqual({ 'widgets.example.com/v1/Widget': 'k8s.io.api.widgets.v1.Widget' });
    expect(t.messages['k8s.io.api.widgets.v1.Widget'].fields).toEqual({
      '1': { name: 'metadata', type: 'message', ref: 'k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta', omitempty: true },
      '2': { name: '', type: 'message', ref: 'k8s.io.api.widgets.v1.WidgetHandler', inline: true },
      '3': { name: 'tags', type: 'string', repeated: true },
      '4': { name: 'blobs', type: 'map', map: { key: 'string', value: 'bytes' }, omitempty: true },
      '5': { name: 'size', type: 'int32', omitempty: true, pointer: true },
    });
    expect(t.messages['k8s.io.api.widgets.v1.WidgetHandler'].fields).toEqual({ '1': { name: 'path', type: 'string', omitempty: true } });
  });
});
