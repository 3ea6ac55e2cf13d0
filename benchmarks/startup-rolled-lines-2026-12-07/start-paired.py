#!/usr/bin/python3
# usage: cfg.py MODEL ROUNDS NAME=ENV[;ENV] ...  (ENV like VKC_X_SEG=9,16; binary via BIN=path)
import json, os, subprocess, sys, shutil, statistics
model, rounds = sys.argv[1], int(sys.argv[2])
cfgs = []
for a in sys.argv[3:]:
    name, _, envs = a.partition('=')
    env = dict(e.split('=', 1) for e in envs.split(';') if e)
    cfgs.append((name, env))
res = {n: [] for n, _ in cfgs}
W = {'inception_v4': '/work/bench/inception_v4.safetensors', 'inception_resnet_v2': '/work/bench/inception_resnet_v2.safetensors'}
for r in range(rounds):
    for name, env in cfgs:
        e = dict(os.environ); e.update(env)
        binp = e.pop('BIN', '/work/main/build/bin/vkc-bench')
        d = '/tmp/cfgcache-' + name; shutil.rmtree(d, ignore_errors=True); e['XDG_CACHE_HOME'] = d
        args = [binp, '--model', model, '--start', e.pop('START', 'at-once'), '--runs', '2', '--warmup', '0', '--json', '--profile']
        if model in W: args += ['--weights', W[model]]
        out = subprocess.run(args, env=e, capture_output=True, text=True)
        if out.returncode: print(name, 'FAILED', out.stderr[-500:]); continue
        j = json.loads(out.stdout)
        w = j['startup_warm_cache']; c = j['startup_cold']
        kinds = {k: round(v['ms'] if isinstance(v, dict) else v) for k, v in j['gpu_ms_by_op'].items()}
        row = dict(cold=j['first_result_ms'], warm=j['first_result_warm_cache_ms'], min=j['ms_min'], peak=j['peak_gflops'],
                   wpipe=w.get('pipelines_ms'), wrun=w.get('first_run_ms'), crun=c.get('first_run_ms'), npipe=w.get('pipelines'), kinds=kinds)
        res[name].append(row)
        print(r, name, 'cold %.0f warm %.0f (pipes %s %s, run %.0f) min %.0f peak %.0f' % (row['cold'], row['warm'], row['npipe'], row['wpipe'] and round(row['wpipe']), row['wrun'] or 0, row['min'], row['peak']), kinds, flush=True)
for name in res:
    rs = res[name]
    if not rs: continue
    f = lambda k: '%.0f/%.0f' % (min(x[k] for x in rs), statistics.median(x[k] for x in rs))
    print('SUMMARY', name, 'cold', f('cold'), 'warm', f('warm'), 'wrun', f('wrun'), 'min', f('min'))
