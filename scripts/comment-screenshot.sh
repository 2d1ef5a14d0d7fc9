#!/usr/bin/env bash
# Renders a PR-comment Markdown file (e.g. comment-2.md from `npm run example`) as GitHub shows it — GitHub-
# flavoured markdown through marked, GitHub's own markdown styles (npm github-markdown-css), in a comment frame —
# and screenshots it with headless Chromium (Debian package `chromium`; nothing is downloaded).
#   bash scripts/comment-screenshot.sh COMMENT.md OUT.png [WIDTH] [OPEN]
# OPEN: a regular expression; collapsed blocks whose summary matches it are shown opened, as after a reader's click.
set -euo pipefail
cd "$(dirname "$0")/.."
md=$1
png=$2
width=${3:-880}
open=${4:-}
command -v chromium >/dev/null || { echo "comment-screenshot: needs chromium (apt-get install chromium)" >&2; exit 2; }
command -v convert >/dev/null || { echo "comment-screenshot: needs ImageMagick's convert (apt-get install imagemagick)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
node --input-type=module - "$md" "$work/page.html" "$open" <<'EOF'
import { readFileSync, writeFileSync } from 'node:fs';
import { marked } from 'marked';
const [md, out, open] = process.argv.slice(2);
const css = readFileSync('node_modules/github-markdown-css/github-markdown-light.css', 'utf8');
const body = marked
  .parse(readFileSync(md, 'utf8'), { gfm: true, async: false })
  .replace(/<details><summary>(.*?)<\/summary>/g, (all, summary) => (open && new RegExp(open).test(summary) ? `<details open><summary>${summary}</summary>` : all));
writeFileSync(out, `<!doctype html><html><head><meta charset="utf-8"><style>${css}
  body { margin: 0; padding: 16px; background: #fff; font-family: -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
  .comment { border: 1px solid #d0d7de; border-radius: 6px; }
  .comment-header { background: #f6f8fa; border-bottom: 1px solid #d0d7de; border-radius: 6px 6px 0 0; padding: 8px 16px; color: #59636e; font-size: 14px; }
  .comment-header b { color: #1f2328; }
  .markdown-body { padding: 16px; font-size: 14px; }
</style></head><body><div class="comment" id="comment">
  <div class="comment-header"><b>github-actions</b> <span style="border:1px solid #d0d7de;border-radius:2em;padding:0 6px;font-size:12px">bot</span> commented</div>
  <div class="markdown-body">${body}</div>
</div></body></html>`);
EOF
# Tall enough for any comment; the blank space below is trimmed away.
chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync \
  --no-first-run --hide-scrollbars --force-device-scale-factor=1 --user-data-dir="$work/profile" \
  --window-size="$width,4000" --screenshot="$work/full.png" "file://$work/page.html" >/dev/null 2>&1
convert "$work/full.png" -trim +repage -bordercolor white -border 12 -strip -colors 256 -define png:compression-level=9 "$png"
echo "$png: $(identify -format '%wx%h' "$png"), $(( $(stat -c %s "$png") / 1024 )) KiB"
