// The rnn4j page: choose a model, write, Generate (streamed over Server-Sent Events), Stop, and an autocomplete
// that offers three short continuations as you type (Tab takes the chosen one; arrows choose).
"use strict";
const $ = id => document.getElementById(id);
let models = [];
let running = null;      // the AbortController of the generation in flight
let suggestTimer = null;
let suggestions = [];
let chosen = 0;
let suggestRequest = 0;  // only the newest request's suggestions are shown

function headers() {
  const h = {"Content-Type": "application/json"};
  const key = $("api-key").value || localStorage.getItem("rnn4j-key");
  if (key) h["Authorization"] = "Bearer " + key;
  return h;
}

function status(text, error) {
  $("status").textContent = text;
  $("status").className = "status" + (error ? " error" : "");
}

async function failure(response) {
  let message = response.status + " " + response.statusText;
  try { message = (await response.json()).error || message; } catch (e) { /* not JSON */ }
  if (response.status === 401) $("key-box").hidden = false;
  return message;
}

async function loadModels() {
  const response = await fetch("v1/models", {headers: headers()});
  if (!response.ok) { status(await failure(response), true); return; }
  models = (await response.json()).models;
  $("model").innerHTML = "";
  for (const m of models) {
    const option = document.createElement("option");
    option.value = m.name;
    option.textContent = m.name;
    $("model").appendChild(option);
  }
  showCard();
}

function number(x, digits) { return x === undefined ? "–" : Number(x).toFixed(digits); }

function showCard() {
  const m = models.find(x => x.name === $("model").value);
  if (!m) return;
  $("card-name").textContent = m.name;
  const facts = [["cell", m.cell.toUpperCase() + " " + m.hidden + (m.layers > 1 ? " × " + m.layers : "")],
    ["parameters", m.parameters.toLocaleString("en")], ["vocabulary", m.vocabulary],
    ["corpus", m.corpus.join(", ")], ["reads", m.preprocessing], ["epochs", m.epochs ?? "–"],
    ["perplexity", number(m.perplexity, 3)], ["validation", number(m.val_perplexity, 3)],
    ["bits per character", number(m.bits_per_character, 3)],
    ["validation bits per character", number(m.val_bits_per_character, 3)]];
  $("card-facts").innerHTML = "";
  for (const [k, v] of facts) {
    const dt = document.createElement("dt"), dd = document.createElement("dd");
    dt.textContent = k; dd.textContent = v;
    $("card-facts").append(dt, dd);
  }
  drawCurve(m.history);
}

// the perplexity curve on a log scale, training and validation, as an SVG drawn here
function drawCurve(history) {
  const svg = $("curve"), W = 320, H = 180, pad = 28;
  svg.innerHTML = "";
  if (!history || history.length === 0) return;
  const values = history.flatMap(h => [h.perplexity, h.val_perplexity]).filter(v => v > 0 && isFinite(v));
  const lo = Math.log(Math.min(...values)), hi = Math.log(Math.max(...values)) + 1e-9;
  const last = history[history.length - 1].epoch, first = history[0].epoch;
  const x = e => pad + (W - 2 * pad) * (last === first ? 0.5 : (e - first) / (last - first));
  const y = v => H - pad - (H - 2 * pad) * (Math.log(v) - lo) / (hi - lo || 1);
  const line = (key, color) => {
    const points = history.filter(h => h[key] > 0).map(h => x(h.epoch).toFixed(1) + "," + y(h[key]).toFixed(1));
    if (points.length === 0) return;
    const path = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
    path.setAttribute("points", points.join(" "));
    path.setAttribute("fill", "none");
    path.setAttribute("stroke", color);
    path.setAttribute("stroke-width", "2");
    svg.appendChild(path);
  };
  const label = (text, px, py, anchor) => {
    const t = document.createElementNS("http://www.w3.org/2000/svg", "text");
    t.setAttribute("x", px); t.setAttribute("y", py); t.setAttribute("font-size", "10");
    t.setAttribute("fill", "#66717d"); t.setAttribute("text-anchor", anchor || "start");
    t.textContent = text;
    svg.appendChild(t);
  };
  line("perplexity", "#2f6fb2");
  line("val_perplexity", "#c0562f");
  label(Math.exp(hi).toFixed(1), 2, pad);
  label(Math.exp(lo).toFixed(1), 2, H - pad);
  label("epoch " + first, pad, H - 8);
  label(String(last), W - pad, H - 8, "end");
}

function request(extra) {
  const body = {model: $("model").value, prefix: $("editor").value,
    temperature: Number($("temperature").value), top_p: Number($("top-p").value)};
  if ($("seed").value !== "") body.seed = Number($("seed").value);
  return Object.assign(body, extra);
}

// reads a text/event-stream body, handing each event's name and parsed data to onEvent
async function readEvents(response, onEvent) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const {value, done} = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, {stream: true});
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = "message", data = "";
      for (const line of block.split("\n")) {
        if (line.startsWith("event: ")) name = line.slice(7);
        else if (line.startsWith("data: ")) data += line.slice(6);
      }
      onEvent(name, JSON.parse(data));
    }
  }
}

async function generate() {
  if (running) return;
  running = new AbortController();
  $("generate").disabled = true;
  $("stop").disabled = false;
  $("output").textContent = "";
  $("output").dataset.state = "running";
  status("generating…");
  try {
    const response = await fetch("v1/generate", {method: "POST", headers: headers(), signal: running.signal,
      body: JSON.stringify(request({length: Number($("length").value), stream: true}))});
    if (!response.ok) { status(await failure(response), true); return; }
    await readEvents(response, (name, data) => {
      if (name === "start") {
        $("output").textContent = data.prefix;
        $("seed").placeholder = "random (last: " + data.seed + ")";
        if (data.warnings.length) status(data.warnings.join("; "));
      } else if (name === "token") {
        $("output").textContent += data.text;
      } else if (name === "done") {
        status(data.tokens + " tokens in " + data.seconds.toFixed(2) + " s");
      } else if (name === "error") {
        status(data.error, true);
      }
    });
  } catch (e) {
    status(e.name === "AbortError" ? "stopped" : String(e), e.name !== "AbortError");
  } finally {
    $("output").dataset.state = "done";
    running = null;
    $("generate").disabled = false;
    $("stop").disabled = true;
  }
}

function showSuggestions() {
  const list = $("suggestions");
  list.innerHTML = "";
  suggestions.forEach((s, i) => {
    const li = document.createElement("li");
    li.textContent = s;
    li.className = "suggestion" + (i === chosen ? " chosen" : "");
    li.addEventListener("mousedown", e => { e.preventDefault(); take(i); });
    list.appendChild(li);
  });
  list.hidden = suggestions.length === 0;
}

async function suggest() {
  const editor = $("editor");
  const before = editor.value.slice(0, editor.selectionStart);
  if (!$("autocomplete").checked || before.length === 0) { suggestions = []; showSuggestions(); return; }
  const mine = ++suggestRequest;
  // the whole text before the cursor (the server's limit): each keystroke extends the last prompt, which the
  // server's state cache then reads on from, so a long document costs no more than a short one
  const body = request({prefix: before.slice(-20000), length: 20, samples: 3, stream: false});
  const response = await fetch("v1/generate", {method: "POST", headers: headers(), body: JSON.stringify(body)});
  if (mine !== suggestRequest) return;
  if (!response.ok) { status(await failure(response), true); return; }
  const answer = await response.json();
  suggestions = answer.samples.map(t => t.slice(answer.prefix.length));
  chosen = 0;
  showSuggestions();
}

function take(i) {
  const editor = $("editor"), at = editor.selectionStart;
  editor.setRangeText(suggestions[i], at, editor.selectionEnd, "end");
  suggestions = [];
  showSuggestions();
  scheduleSuggest();
}

function scheduleSuggest() {
  clearTimeout(suggestTimer);
  suggestTimer = setTimeout(suggest, 200);
}

$("editor").addEventListener("input", scheduleSuggest);
$("editor").addEventListener("keydown", e => {
  if (suggestions.length === 0) return;
  if (e.key === "Tab") { e.preventDefault(); take(chosen); }
  else if (e.key === "ArrowRight" && e.altKey) { e.preventDefault(); chosen = (chosen + 1) % suggestions.length; showSuggestions(); }
  else if (e.key === "ArrowLeft" && e.altKey) { e.preventDefault(); chosen = (chosen + suggestions.length - 1) % suggestions.length; showSuggestions(); }
  else if (e.key === "Escape") { suggestions = []; showSuggestions(); }
});
$("autocomplete").addEventListener("change", scheduleSuggest);
$("generate").addEventListener("click", generate);
$("stop").addEventListener("click", () => running && running.abort());
$("model").addEventListener("change", showCard);
$("api-key").addEventListener("change", () => { localStorage.setItem("rnn4j-key", $("api-key").value); loadModels(); });
loadModels();
