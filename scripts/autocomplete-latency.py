"""Autocomplete latency of `rnn4j serve`, with its state cache and without it, in one run.

For documents of 500, 5,000 and 20,000 characters (The Time Machine, raw), the last KEYS characters are typed one at a
time: each keystroke asks POST /v1/completions for three continuations of 20 tokens (characters, for a character
model) of the whole text before the cursor, as the page's autocomplete does. Printed: p50 and p99 of the request
latency per document length, for a server with `--cache-mb 64` and one with `--cache-mb 0`, started in turn on the
same model and threads.

Usage: python3 scripts/autocomplete-latency.py MODEL.safetensors [KEYS] [THREADS]   (run from the repository root)
"""
import json, os, subprocess, sys, time, urllib.request, zipfile


def post(port, body):
    request = urllib.request.Request('http://127.0.0.1:%d/v1/completions' % port, data=json.dumps(body).encode(),
                                     headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(request) as r:
        return json.loads(r.read())


def serve(model, port, cache_mb, threads):
    p = subprocess.Popen(['./rnn4j', 'serve', '-m', model, '--port', str(port), '--cache-mb', str(cache_mb),
                          '--threads', str(threads)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            urllib.request.urlopen('http://127.0.0.1:%d/health' % port).read()
            return p
        except OSError:
            time.sleep(0.1)
    p.kill()
    sys.exit('the server did not start')


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main(model, keys=200, threads=2):
    with zipfile.ZipFile('cli/target/rnn4j.jar') as jar:
        book = jar.read('org/rnn4j/text/timemachine.txt').decode('utf-8')
    rows = []
    for cache_mb in (64, 0):
        port = 18400 + cache_mb
        server = serve(model, port, cache_mb, threads)
        try:
            post(port, {'prompt': book[:100], 'max_tokens': 20, 'n': 3})  # warm the JIT
            for length in (500, 5000, 20000):
                document = book[:length]
                seconds = []
                for k in range(keys):
                    prompt = document[:length - keys + k + 1]
                    start = time.perf_counter()
                    post(port, {'prompt': prompt, 'max_tokens': 20, 'n': 3, 'temperature': 0.8, 'seed': k})
                    seconds.append(time.perf_counter() - start)
                rows.append((cache_mb, length, percentile(seconds, 0.5), percentile(seconds, 0.99)))
        finally:
            server.terminate()
            server.wait()
    print('| --cache-mb | document (characters) | p50 (ms) | p99 (ms) |')
    print('|---:|---:|---:|---:|')
    for cache_mb, length, p50, p99 in rows:
        print('| %d | %d | %.1f | %.1f |' % (cache_mb, length, 1000 * p50, 1000 * p99))


if __name__ == '__main__':
    main(sys.argv[1], *(int(a) for a in sys.argv[2:]))
