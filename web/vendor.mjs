// Copies the few files of the npm packages the page loads into vendor/, so that the folder, without node_modules,
// is all a static web host needs: ONNX Runtime Web's WebAssembly build, and protobuf.js to read the model's metadata.
import { copyFileSync, mkdirSync } from 'node:fs';

const files = {
  'node_modules/onnxruntime-web/dist/ort.wasm.min.js': 'ort.wasm.min.js',
  'node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.mjs': 'ort-wasm-simd-threaded.mjs',
  'node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm': 'ort-wasm-simd-threaded.wasm',
  'node_modules/protobufjs/dist/protobuf.min.js': 'protobuf.min.js',
};
mkdirSync('vendor', { recursive: true });
for (const [from, to] of Object.entries(files)) {
  copyFileSync(from, 'vendor/' + to);
}
