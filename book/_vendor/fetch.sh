#!/usr/bin/env bash
# Refresh the vendored web assets in book/_vendor/static from the npm registry.
#
# Maintainers only: the assets are committed, so building the book needs neither Node nor
# a network. Run `make vendor` after changing a version below, look at the diff, rebuild
# the book and run `make test-html` (the browser test blocks every non-local request).
set -euo pipefail
cd "$(dirname "$0")"

# name@version and the sha512 integrity the registry publishes for its tarball.
MATHJAX="mathjax@3.2.2"
MATHJAX_SHA="sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw=="
WIDGETS="@jupyter-widgets/html-manager@1.0.15"
WIDGETS_SHA="sha512-5thBIV6ymNgmPVOHvzx+gGy8ZSKmSazhtGw4/c4xJDVzRhG9PTeQsRjF3FUTopvFi//SABeNz1yp47bCrJ3CQA=="

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Download a package tarball with npm, check its integrity, unpack it into $tmp/<dir>.
fetch() {
    local spec=$1 want=$2 dir=$3 got
    got=$(cd "$tmp" && npm pack --silent --json "$spec" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["integrity"])')
    if [[ $got != "$want" ]]; then
        echo "fetch.sh: $spec has integrity $got, expected $want" >&2
        exit 1
    fi
    mkdir -p "$tmp/$dir"
    tar -xzf "$tmp"/*.tgz -C "$tmp/$dir" --strip-components=1
    rm "$tmp"/*.tgz
}

fetch "$MATHJAX" "$MATHJAX_SHA" mathjax
fetch "$WIDGETS" "$WIDGETS_SHA" widgets

rm -rf static
# MathJax: the one combined component with every TeX extension (so nothing is
# autoloaded later) and the CommonHTML woff2 fonts it loads from next to itself.
mkdir -p static/mathjax/output/chtml/fonts
cp "$tmp/mathjax/es5/tex-chtml-full.js" "$tmp/mathjax/LICENSE" static/mathjax/
cp -r "$tmp/mathjax/es5/output/chtml/fonts/woff-v2" static/mathjax/output/chtml/fonts/
# Widgets: the standalone embed bundle for the standard widgets (it needs no RequireJS),
# the woff2 icon fonts it references next to itself, and the licences. The npm package
# carries no LICENSE file; ipywidgets' own (same project, same licence) stands in for it.
mkdir -p static/jupyter-widgets
cp "$tmp/widgets/dist/embed.js" "$tmp/widgets/dist/embed.js.LICENSE.txt" "$tmp"/widgets/dist/*.woff2 \
    static/jupyter-widgets/
cp ../../.venv/lib/python3*/site-packages/ipywidgets-*.dist-info/licenses/LICENSE static/jupyter-widgets/LICENSE

(cd static && find . -type f | LC_ALL=C sort | xargs sha256sum) > SHA256SUMS
du -sh static
