# Sourced by the benchmark scripts: the synthetic corpus of N objects, generated once.
#
#   synthetic_corpus N    prints the corpus directory, generating it first when needed
#
# The corpus is `../shared/corpus/make-synthetic.py --objects N --seed SYNTH_SEED`, written to
# BENCH_WORK/synthetic-N-seedS and marked complete with a `.bench-complete` file, so later runs
# (of any script) reuse it and an interrupted generation is never taken for a corpus.
# Needs: repo_root, BENCH_WORK, SYNTH_SEED.
synthetic_corpus() {
    local n="$1" dir
    dir="$BENCH_WORK/synthetic-$n-seed$SYNTH_SEED"
    if [[ ! -f "$dir/.bench-complete" ]]; then
        printf 'generating synthetic corpus: %s objects, seed %s ...\n' "$n" "$SYNTH_SEED" >&2
        rm -rf "$dir" "$dir.partial"
        python3 "$repo_root/../shared/corpus/make-synthetic.py" --objects "$n" --seed "$SYNTH_SEED" \
            --out "$dir.partial" --quiet >&2
        mv "$dir.partial" "$dir"
        printf 'objects=%s seed=%s\n' "$n" "$SYNTH_SEED" >"$dir/.bench-complete"
    fi
    printf '%s' "$dir"
}
