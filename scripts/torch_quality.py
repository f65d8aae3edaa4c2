"""A PyTorch yardstick of quality on one's own text: the char-rnn family's 2-layer LSTM (one-hot input, Adam 0.002,
clip 5, 32 x 50 consecutive minibatches, the state carried and detached) trained for a given wall-clock time, then
its held-out bits per character and 300 characters sampled at temperature 0.8.
Setup: apt-get install -y python3-torch libopenblas0-openmp   (run it with /usr/bin/python3)
Usage: /usr/bin/python3 torch_quality.py TEXT SECONDS [threads] [hidden] [HELD_OUT_TEXT]
Without HELD_OUT_TEXT the split is rnn4j's old one for one's own text: every code point a token, the last round(5 %)
held out; with it, all of TEXT is trained on and HELD_OUT_TEXT scored (a character TEXT lacks reads as <unk>, as in
rnn4j). The held-out loss is rnn4j's: each token after the first predicted from all before it, from a zero state."""
import math, random, sys, time
import torch
from torch import nn

path, seconds = sys.argv[1], float(sys.argv[2])
threads = int(sys.argv[3]) if len(sys.argv) > 3 else 2
H = int(sys.argv[4]) if len(sys.argv) > 4 else 256
held_path = sys.argv[5] if len(sys.argv) > 5 else None
torch.set_num_threads(threads)
torch.manual_seed(0); random.seed(0)

text = open(path, encoding='utf-8', newline='').read()
chars = ['<unk>'] + sorted(set(text))
stoi = {c: i for i, c in enumerate(chars)}
V = len(chars)
ids = torch.tensor([stoi[c] for c in text])
if held_path is None:
    held_out = int(math.floor(len(ids) * 0.05 + 0.5))  # Java's Math.round
    train, held = ids[:len(ids) - held_out], ids[len(ids) - held_out:]
else:
    train = ids
    held = torch.tensor([stoi.get(c, 0) for c in open(held_path, encoding='utf-8', newline='').read()])
B, T = 32, 50


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(V, H, 2)
        self.out = nn.Linear(H, V)

    def forward(self, x, state):  # x (T, B) of ids
        y, state = self.rnn(nn.functional.one_hot(x, V).float(), state)
        return self.out(y), state


model = Model()
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
loss_fn = nn.CrossEntropyLoss()
start, epochs, steps = time.time(), 0, 0
while time.time() - start < seconds:
    offset = random.randrange(T)  # a random offset each epoch, as rnn4j's default
    rows = (len(train) - 1 - offset) // B
    xs = train[offset:offset + B * rows].view(B, rows)
    ys = train[offset + 1:offset + 1 + B * rows].view(B, rows)
    state = None
    for t in range(0, rows - T + 1, T):
        if time.time() - start >= seconds:
            break
        x, y = xs[:, t:t + T].t(), ys[:, t:t + T].t()
        logits, state = model(x, state)
        state = tuple(s.detach() for s in state)
        loss = loss_fn(logits.reshape(-1, V), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5)
        opt.step()
        steps += 1
    epochs += 1
trained = time.time() - start

with torch.no_grad():
    logits, _ = model(held[:-1].view(-1, 1), None)
    nats = nn.functional.cross_entropy(logits.view(-1, V), held[1:], reduction='sum').item()
bits = nats / (len(held) - 1) / math.log(2)
print(f'pytorch lstm 2 x {H}: {steps:,} minibatches ({epochs} epochs begun) in {trained:.1f} s, '
      f'held-out {bits:.3f} bits/char')

with torch.no_grad():
    torch.manual_seed(1)
    x, state, out = train[:1].view(1, 1), None, [text[0]]
    for _ in range(300):
        logits, state = model(x, state)
        p = torch.softmax(logits.view(-1) / 0.8, 0)
        x = torch.multinomial(p, 1).view(1, 1)
        out.append(chars[x.item()])
print(''.join(out))
