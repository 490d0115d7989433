// Filled in by scripts/bench-events.sh's author: prints evaluation cost per event at several history sizes.
print("evaluation-bench: not written yet")
