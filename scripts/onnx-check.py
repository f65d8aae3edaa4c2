"""Checks ONNX files written by `rnn4j export --format onnx` with ONNX's own checker (Debian's python3-onnx, 1.12:
opset <= 17, IR version <= 8), its full check included (shape inference over the graph), and lists what it holds.
Setup: apt-get install -y python3-onnx          (a cross-check by hand; nothing in the build needs it)
Usage: /usr/bin/python3 scripts/onnx-check.py MODEL.onnx [MORE.onnx ...]
"""
import sys

import onnx


def main(paths):
    for path in paths:
        model = onnx.load(path)
        onnx.checker.check_model(model, full_check=True)
        inferred = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
        opsets = ', '.join('%s %d' % (o.domain or 'ai.onnx', o.version) for o in model.opset_import)
        ops = sorted({n.op_type for n in model.graph.node})
        shapes = {v.name: [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]
                  for v in inferred.graph.output}
        print('%s: valid; IR version %d, opset %s; producer %s %s' % (path, model.ir_version, opsets,
                                                                     model.producer_name, model.producer_version))
        print('  operators: %s' % ', '.join(ops))
        print('  outputs: %s' % ', '.join('%s %s' % (k, v) for k, v in shapes.items()))
        print('  metadata: %s' % ', '.join(p.key for p in model.metadata_props))


if __name__ == '__main__':
    main(sys.argv[1:])
