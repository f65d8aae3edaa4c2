// rnn4j's page with no server: a model exported by `rnn4j export --format onnx`, picked from the disk (or named by
// ?model=URL), generated from by ONNX Runtime Web one token at a time, its state carried from step to step, the
// text shown as it comes. The model's metadata (read with protobuf.js) says how a text becomes ids and back.
"use strict";
const $ = id => document.getElementById(id);
ort.env.wasm.numThreads = 1; // threads need a cross-origin-isolated page, which a plain static host does not give
ort.env.wasm.wasmPaths = new URL("vendor/", document.baseURI).href;

const SEPARATOR = "\u001C", SEPARATOR_SHOWN = "\u241C"; // between documents; shown as rnn4j generate shows it
let model = null;
let stopping = false;

// ONNX's ModelProto.metadata_props (field 14) and its entries, the only fields read; protobuf.js skips the rest
function metadata(bytes) {
  const entry = new protobuf.Type("StringStringEntryProto")
    .add(new protobuf.Field("key", 1, "string")).add(new protobuf.Field("value", 2, "string"));
  const modelProto = new protobuf.Type("ModelProto")
    .add(new protobuf.Field("metadataProps", 14, "StringStringEntryProto", "repeated"));
  new protobuf.Root().define("onnx").add(entry).add(modelProto);
  return Object.fromEntries(modelProto.decode(bytes).metadataProps.map(e => [e.key, e.value]));
}

async function load(bytes, name) {
  const meta = metadata(bytes);
  if (!meta["rnn4j.vocab"]) {
    throw new Error(name + " has no rnn4j.vocab in its metadata: export it with rnn4j export --format onnx");
  }
  const session = await ort.InferenceSession.create(bytes, {executionProviders: ["wasm"]});
  const vocab = JSON.parse(meta["rnn4j.vocab"]);
  return {session, vocab, name, tokens: tokenizer(meta, vocab), noToken: Number(meta["rnn4j.no_token"]),
    layers: Number(meta["rnn4j.layers"]), hidden: Number(meta["rnn4j.hidden"]), lstm: meta["rnn4j.cell"] === "lstm",
    preprocessing: meta["rnn4j.preprocessing"], cell: meta["rnn4j.cell"], kind: meta["rnn4j.tokens"]};
}

// How a text becomes ids: characters one by one (<unk> for one the model never saw); words and subwords by the
// tokenizer the export carries (its Hugging Face tokenizer.json): the text cut into pieces by its pre-tokenizer's
// expression, each piece a word token if it is one (words), else its characters, merged pair by pair, the lowest
// ranked merge first and the leftmost among equals (BPE), as rnn4j reads a text.
function tokenizer(meta, vocab) {
  const unk = Number(meta["rnn4j.unk"]);
  const ids = new Map(vocab.map((text, id) => [text, id]));
  ids.delete(vocab[unk]);
  const chars = text => [...text].map(ch => ids.get(ch) ?? unk);
  if (meta["rnn4j.tokens"] === "char") return {unk, ids, encode: chars, pieces: null};
  const json = JSON.parse(meta["rnn4j.tokenizer"]);
  const pattern = new RegExp(json.pre_tokenizer.pattern.Regex, "gu");
  const words = json.model.ignore_merges;
  const merges = new Map(json.model.merges.map(([a, b], rank) =>
    [ids.get(a) + " " + ids.get(b), {rank, into: ids.get(a + b)}]));
  const piece = p => {
    if (words) return ids.has(p) ? [ids.get(p)] : chars(p);
    const t = chars(p);
    for (;;) {
      let best = null, at = -1;
      for (let i = 0; i + 1 < t.length; i++) {
        const m = merges.get(t[i] + " " + t[i + 1]);
        if (m && (best === null || m.rank < best.rank)) { best = m; at = i; }
      }
      if (best === null) return t;
      t.splice(at, 2, best.into);
    }
  };
  const pieces = text => text.match(pattern) ?? [];
  return {unk, ids, encode: text => pieces(text).flatMap(piece), pieces};
}

// A prefix as {the part the model reads, the part its first tokens must spell}: a model of words or subwords reads
// all but the last piece ("The quick bro" ends inside " brown"), whose text the first tokens drawn then spell again,
// as rnn4j's generate does; a piece with a character the model lacks is read as it is.
function split(tokens, text) {
  if (tokens.pieces === null || text === "") return [text, ""];
  const pieces = tokens.pieces(text), last = pieces[pieces.length - 1];
  return [...last].every(ch => tokens.ids.has(ch)) ? [text.slice(0, text.length - last.length), last] : [text, ""];
}

// the prefix as the model reads it: its preprocessing, as rnn4j's Preprocessing.prefix applies it
function readPrefix(text, preprocessing) {
  if (preprocessing === "spaces") return text.replace(/[\r\n]/g, " ");
  if (preprocessing !== "letters") return text;
  let out = "", lineHasLetters = false, gap = false;
  for (const ch of text) {
    if (/[A-Za-z]/.test(ch)) {
      if (gap && lineHasLetters) out += " ";
      out += ch.toLowerCase();
      lineHasLetters = true;
      gap = false;
    } else if (ch === "\n" || ch === "\r") {
      lineHasLetters = false;
      gap = false;
    } else {
      gap = true;
    }
  }
  const last = text.slice(-1);
  if (out.length > 0 && last !== "" && !/[A-Za-z\r\n]/.test(last)) out += " "; // "The " goes on after a space
  return out;
}

function shown(text) {
  return text.split(SEPARATOR).join(SEPARATOR_SHOWN);
}

async function step(m, ids, state) {
  const shape = [m.layers, 1, m.hidden];
  const feeds = {
    input_ids: new ort.Tensor("int64", BigInt64Array.from(ids, BigInt), [ids.length, 1]),
    h0: new ort.Tensor("float32", state.h, shape),
  };
  if (m.lstm) feeds.c0 = new ort.Tensor("float32", state.c, shape);
  const out = await m.session.run(feeds);
  state.h = out.hn.data;
  if (m.lstm) state.c = out.cn.data;
  const V = m.vocab.length;
  return out.logits.data.subarray((ids.length - 1) * V, ids.length * V); // the last step's
}

function draw(logits, temperature) {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
  if (temperature === 0) return best;
  let sum = 0;
  const p = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) sum += p[i] = Math.exp((logits[i] - logits[best]) / temperature);
  let u = Math.random() * sum;
  for (let i = 0; i < p.length; i++) if ((u -= p[i]) < 0) return i;
  return best;
}

async function generate() {
  const m = model, out = $("output");
  const temperature = Number($("temperature").value), length = Math.floor(Number($("length").value));
  if (!(temperature >= 0) || !(length >= 1)) {
    status("temperature must be 0 or more (0 is greedy), tokens a whole number from 1", true);
    return;
  }
  const read = readPrefix($("prefix").value, m.preprocessing);
  const [reads, spells] = split(m.tokens, read);
  let input = m.tokens.encode(reads);
  if (input.length === 0) input = [m.noToken]; // nothing read: the first step reads no token
  let pending = spells;
  const state = {h: new Float32Array(m.layers * m.hidden), c: new Float32Array(m.layers * m.hidden)};
  out.textContent = shown(read);
  out.dataset.state = "running";
  stopping = false;
  $("generate").disabled = true;
  $("stop").disabled = false;
  const start = performance.now();
  let drawn = 0, shownAt = start;
  try {
    while (drawn < length && !stopping) {
      const logits = Float32Array.from(await step(m, input, state));
      if (pending !== "") { // only a token that goes on spelling what the prefix has typed of its last word
        m.vocab.forEach((text, t) => {
          if (t === m.tokens.unk || !(text.startsWith(pending) || pending.startsWith(text))) logits[t] = -Infinity;
        });
      }
      const id = draw(logits, temperature), text = m.vocab[id];
      const already = Math.min(pending.length, text.length); // what the prefix shows of it already
      pending = pending.slice(already);
      out.append(shown(text.slice(already)));
      if (already < text.length) drawn++; // a token that only spells the prefix again is not one asked for
      input = [id];
      if (performance.now() - shownAt > 25) { // let the page show the text so far, some 40 times a second
        await new Promise(r => setTimeout(r, 0));
        shownAt = performance.now();
      }
    }
    const seconds = (performance.now() - start) / 1000;
    status(drawn + " tokens in " + seconds.toFixed(2) + " s, " + Math.round(drawn / seconds) + " tokens/s");
  } catch (e) {
    status(String(e), true);
  } finally {
    out.dataset.state = "done";
    $("generate").disabled = false;
    $("stop").disabled = true;
  }
}

function status(text, error) {
  $("status").textContent = text;
  $("status").style.color = error ? "#b42318" : "";
}

async function open(bytes, name) {
  const facts = $("model-facts");
  try {
    model = await load(bytes, name);
    facts.textContent = name + ": " + model.cell + " " + model.layers + " × " + model.hidden + ", "
      + model.vocab.length + " " + (model.kind === "char" ? "characters" : model.kind + " tokens");
    facts.dataset.state = "ready";
    $("generate").disabled = false;
  } catch (e) {
    model = null;
    facts.textContent = String(e.message || e);
    facts.dataset.state = "error";
    $("generate").disabled = true;
  }
}

$("file").addEventListener("change", async () => {
  const file = $("file").files[0];
  if (file) await open(new Uint8Array(await file.arrayBuffer()), file.name);
});
$("generate").addEventListener("click", generate);
$("stop").addEventListener("click", () => { stopping = true; });
const named = new URLSearchParams(location.search).get("model");
if (named) {
  fetch(named).then(r => r.ok ? r.arrayBuffer() : Promise.reject(new Error(named + ": HTTP " + r.status)))
    .then(b => open(new Uint8Array(b), named), e => {
      $("model-facts").textContent = "cannot load " + e.message;
      $("model-facts").dataset.state = "error";
    });
}
