# Writes a golden network's detweights (shared/golden/README.md, section 2) as a safetensors file
# beside the golden input (2 images, and the first alone) as raw float32, for the commands.
# usage: make-detweights-safetensors.py MODEL OUT.safetensors   (/usr/bin/python3, numpy)
import json, os, struct, sys, numpy as np
M = np.uint64
def fnv(s):
    h = 0xCBF29CE484222325
    for b in s.encode(): h = ((h ^ b) * 0x100000001B3) & (2**64-1)
    return h
def u(name, n):
    with np.errstate(over='ignore'):
        z = np.arange(n, dtype=M) + M(fnv(name)) + M(0x9E3779B97F4A7C15)
        z = (z ^ (z >> M(30))) * M(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> M(27))) * M(0x94D049BB133111EB)
        z = z ^ (z >> M(31))
    return (z >> M(40)).astype(np.float64) / 2**23 - 1.0
model, out = sys.argv[1], sys.argv[2]
ts = json.load(open(os.path.join(os.path.dirname(__file__), '../../tests/golden/%s/tensors.json' % model)))
hdr, blobs, off = {}, [], 0
for t in ts:
    name, shape = t['name'], t['shape']
    if not t['detweights']: continue
    n = int(np.prod(shape)) if shape else 1
    if name.endswith('running_var'): s, o = 0.5, 1.0
    elif name.endswith('running_mean'): s, o = 0.1, 0.0
    elif len(shape) == 1 and name.endswith('.weight'): s, o = 0.5, 1.0
    elif len(shape) == 1: s, o = 0.1, 0.0
    else: s, o = np.sqrt(6.0 / np.prod(shape[1:])), 0.0
    b = (u(name, n) * s + o).astype(np.float32).tobytes()
    hdr[name] = {'dtype': 'F32', 'shape': shape, 'data_offsets': [off, off + len(b)]}
    blobs.append(b); off += len(b)
h = json.dumps(hdr).encode(); h += b' ' * ((8 - len(h) % 8) % 8)
with open(out, 'wb') as f:
    f.write(struct.pack('<Q', len(h))); f.write(h)
    for b in blobs: f.write(b)
x = u('input', 2*3*299*299).astype(np.float32)
x.tofile(out.replace('.safetensors', '.input.f32'))
x[:3*299*299].tofile(out.replace('.safetensors', '.input1.f32'))
