#!/usr/bin/env python3
"""Lists every `fn` under ROOT (default src/) longer than N lines (default
80), longest first: line count, name, file:line. The house rule is functions
under about 80 lines (docs of the architecture).

Counts lines from the `fn` line to its closing brace, skipping braces in
strings, chars and comments; test functions count too.

Usage: python3 scripts/long_functions.py [ROOT] [N]
"""
import os, re, sys

root = sys.argv[1] if len(sys.argv) > 1 else "src"
limit = int(sys.argv[2]) if len(sys.argv) > 2 else 80
FN = re.compile(r'\bfn\s+([A-Za-z_][A-Za-z0-9_]*)')

def strip(text):
    """Replace string/char/comment contents with spaces, keeping newlines."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith('//', i):
            j = text.find('\n', i)
            j = n if j < 0 else j
            out.append(' ' * (j - i)); i = j
        elif text.startswith('/*', i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith('/*', j): depth += 1; j += 2
                elif text.startswith('*/', j): depth -= 1; j += 2
                else: j += 1
            out.append(re.sub(r'[^\n]', ' ', text[i:j])); i = j
        elif c == 'r' and re.match(r'r#*"', text[i:i+10]) and (i == 0 or not (text[i-1].isalnum() or text[i-1] == '_')):
            m = re.match(r'r(#*)"', text[i:]); hashes = m.group(1)
            end = text.find('"' + hashes, i + len(m.group(0)))
            j = n if end < 0 else end + 1 + len(hashes)
            out.append(re.sub(r'[^\n]', ' ', text[i:j])); i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == '\\' else 1
            j += 1
            out.append(re.sub(r'[^\n]', ' ', text[i:j])); i = j
        elif c == "'":
            m = re.match(r"'(\\.[^']*|[^\\'])'", text[i:])
            if m:
                out.append(' ' * len(m.group(0))); i += len(m.group(0))
            else:
                out.append(c); i += 1  # lifetime
        else:
            out.append(c); i += 1
    return ''.join(out)

rows = []
for dp, _, fs in os.walk(root):
    for f in fs:
        if not f.endswith('.rs'): continue
        path = os.path.join(dp, f)
        src = strip(open(path, encoding='utf-8').read())
        for m in FN.finditer(src):
            # find the body: first '{' or ';' after the signature at paren depth 0
            j, depth = m.end(), 0
            while j < len(src):
                ch = src[j]
                if ch in '([': depth += 1
                elif ch in ')]': depth -= 1
                elif depth == 0 and ch in '{;': break
                j += 1
            if j >= len(src) or src[j] == ';': continue
            d, k = 0, j
            while k < len(src):
                if src[k] == '{': d += 1
                elif src[k] == '}':
                    d -= 1
                    if d == 0: break
                k += 1
            start = src.count('\n', 0, m.start()) + 1
            end = src.count('\n', 0, k) + 1
            lines = end - start + 1
            if lines > limit:
                rows.append((lines, m.group(1), path, start))
rows.sort(key=lambda r: (-r[0], r[2]))
for lines, name, path, start in rows:
    print(f"{lines:5d}  {name:40s} {path}:{start}")
print(f"{len(rows)} functions over {limit} lines")
