"""An rnn4j checkpoint in PyTorch: its weights loaded into torch.nn.RNN/GRU/LSTM + Linear, and the perplexity of a text
computed as `rnn4j eval` computes it (one stream from a zero state, every token after the first predicted).

Setup: apt-get install -y python3-torch libopenblas0-openmp     (run it with /usr/bin/python3)
Usage: /usr/bin/python3 scripts/torch_eval.py MODEL.safetensors TEXT_FILE [float64]
       (float64: the same sums in double precision, a yardstick for float32's own rounding)
       (for the built-in corpus, core/src/main/resources/org/rnn4j/text/timemachine.txt)

How the tensors map (rnn4j stores x·W, PyTorch W·x, so every matrix is transposed):
  W_xh (D, G·H)  -> weight_ih_l0 (G·H, D)     l2.W_xh -> weight_ih_l1, ...
  W_hh (H, G·H)  -> weight_hh_l0 (G·H, H)
  b_h  (G·H)     -> bias_ih_l0; bias_hh_l0 is 0, except for the GRU, whose second bias
  b_hh (G·H)     -> bias_hh_l0 (PyTorch's GRU multiplies it by r: n = tanh(W_in x + b_in + r * (W_hn h + b_hn)))
  W_hq (H, V)    -> Linear.weight (V, H);  b_q (V) -> Linear.bias
Gates are packed in PyTorch's order in both: GRU r, z, n; LSTM i, f, g, o. The one-hot input of token 0 (<unk>)
is a real input like any other; vocab lists the code points of indices 1..V-1.
"""
import json, math, re, struct, sys
import torch
from torch import nn


def read_safetensors(path):
    with open(path, 'rb') as f:
        raw = f.read()
    (n,) = struct.unpack('<Q', raw[:8])
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    meta = header.pop('__metadata__')
    tensors = {}
    for name, t in header.items():
        begin, end = t['data_offsets']
        dtype = {'F32': torch.float32, 'F16': torch.float16}[t['dtype']]  # F16: a weights-only export
        tensors[name] = torch.frombuffer(bytearray(data[begin:end]), dtype=dtype).float().reshape(t['shape'])
    return tensors, meta


def preprocess(text, mode):
    if mode == 'letters':  # per line: runs of non-letters become one space, stripped, lower case, joined directly
        return ''.join(re.sub('[^A-Za-z]+', ' ', line).strip().lower() for line in re.split('[\r\n]', text))
    if mode == 'spaces':
        return text.replace('\n', ' ').replace('\r', ' ')
    return text


def main(model_path, text_path, precision='float32'):
    tensors, meta = read_safetensors(model_path)
    model = json.loads(meta['model'])
    data = json.loads(meta['data'])
    steps = json.loads(meta['training'])['steps']
    itos = [None] + [chr(c) for c in json.loads(meta['vocab'])]
    stoi = {c: i for i, c in enumerate(itos) if c is not None}
    cell, H, L, V = model['cell'], model['hidden'], model['layers'], model['vocab']
    layer = {'rnn': nn.RNN, 'gru': nn.GRU, 'lstm': nn.LSTM}[cell]
    rnn = layer(V, H, num_layers=L) if cell != 'rnn' else nn.RNN(V, H, num_layers=L, nonlinearity='tanh')
    out = nn.Linear(H, V)
    if precision == 'float64':
        rnn, out = rnn.double(), out.double()
    with torch.no_grad():
        for l in range(L):
            p = '' if l == 0 else 'l%d.' % (l + 1)
            getattr(rnn, 'weight_ih_l%d' % l).copy_(tensors[p + 'W_xh'].T)
            getattr(rnn, 'weight_hh_l%d' % l).copy_(tensors[p + 'W_hh'].T)
            getattr(rnn, 'bias_ih_l%d' % l).copy_(tensors[p + 'b_h'])
            getattr(rnn, 'bias_hh_l%d' % l).copy_(tensors[p + 'b_hh'] if cell == 'gru' else torch.zeros(len(tensors[p + 'b_h'])))
        out.weight.copy_(tensors['W_hq'].T)
        out.bias.copy_(tensors['b_q'])

    with open(text_path, encoding='utf-8', newline='') as f:  # newline='': the text's own line ends, as rnn4j reads
        text = preprocess(f.read(), data['preprocess'])
    ids = torch.tensor([stoi.get(c, 0) for c in text])
    unknown = int((ids == 0).sum())
    nll, state = 0.0, None
    with torch.no_grad():  # windows of the model's steps, the state carried: the same stream rnn4j eval reads
        for start in range(0, len(ids) - 1, steps):
            x = ids[start:start + steps]
            y = ids[start + 1:start + 1 + steps]
            x = x[:len(y)]
            h, state = rnn(nn.functional.one_hot(x, V).to(out.weight.dtype).unsqueeze(1), state)
            nll += nn.functional.cross_entropy(out(h.squeeze(1)), y, reduction='sum').item()
    print('%s: %d tokens (%s preprocessing), %d unknown to the model' % (text_path, len(ids), data['preprocess'],
                                                                          unknown))
    print('perplexity %.6f' % math.exp(nll / (len(ids) - 1)))


if __name__ == '__main__':
    main(*sys.argv[1:])
