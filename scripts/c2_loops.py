"""The inner loops of each C2-compiled method in a -XX:CompileCommand=print log, read without hsdis: the bytes the
log shows are disassembled with objdump, and every backward branch whose body holds an FMA is a loop reported with
its instructions, FMAs, broadcasts and vector registers moved to or from the stack (a spilled accumulator).
Usage: python3 scripts/c2_loops.py LOG [NAME]   (NAME: only methods whose name contains it)"""
import re
import subprocess
import sys
import tempfile

INNER = 200  # longer bodies are the unrolled or outer loops around an inner one


def machine_code(block):
    """The nmethod's bytes and the address of the first."""
    code = block.split('[MachCode]', 1)[1].split('[/MachCode]', 1)[0]
    start, data = None, bytearray()
    for line in code.splitlines():
        m = re.match(r'\s*0x([0-9a-f]+): ([0-9a-f |]+)$', line)
        if not m:
            continue
        at = int(m.group(1), 16)
        start = at if start is None else start
        if at - start > len(data):
            data.extend(b'\x90' * (at - start - len(data)))
        if at - start == len(data):
            data.extend(bytes.fromhex(m.group(2).replace('|', '').replace(' ', '')))
    return start, bytes(data)


def instructions(start, data):
    with tempfile.NamedTemporaryFile(suffix='.bin') as f:
        f.write(data)
        f.flush()
        out = subprocess.run(['objdump', '-D', '-b', 'binary', '-mi386:x86-64', '--adjust-vma=%d' % start, f.name],
                             capture_output=True, text=True, check=True).stdout
    found = []
    for line in out.splitlines():
        m = re.match(r'\s*([0-9a-f]+):\s+(?:[0-9a-f]{2} )+\s*(.*)', line)
        if m:
            found.append((int(m.group(1), 16), m.group(2).strip()))
    return found


def loops(code):
    index = {at: i for i, (at, _) in enumerate(code)}
    for i, (at, text) in enumerate(code):
        m = re.match(r'j\w+\s+0x([0-9a-f]+)', text)
        if not m or int(m.group(1), 16) > at or int(m.group(1), 16) not in index:
            continue
        body = [t for _, t in code[index[int(m.group(1), 16)]:i + 1]]
        fmas = sum('vfmadd' in t for t in body)
        if fmas and len(body) <= INNER:
            stack = sum(t.startswith('vmov') and '(%rsp)' in t and re.search(r'[xyz]mm', t) is not None for t in body)
            yield len(body), fmas, sum('broadcast' in t for t in body), stack


def main():
    text = open(sys.argv[1], errors='replace').read()
    wanted = sys.argv[2] if len(sys.argv) > 2 else ''
    for block in text.split('C2-compiled nmethod')[1:]:
        head = re.search(r'Compiled method \(c2\)\s+\d+\s+\d+\s+(%?)\s*\d\s+(\S+)', block)
        if not head or head.group(1) == '%' or wanted not in head.group(2) or '[MachCode]' not in block:
            continue  # on-stack replacements aside: their copies of a loop are not the ones that run later
        for n, fmas, broadcasts, stack in loops(instructions(*machine_code(block))):
            print(f'{head.group(2)}: {n} instructions, {fmas} FMAs, {broadcasts} broadcasts, '
                  f'{stack} vector stack moves')


if __name__ == '__main__':
    main()
