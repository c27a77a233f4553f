#!/usr/bin/env bash
# Fails when API.md differs from what jsii-docgen just generated (or is missing from Git), so the
# committed API.md always matches the code.
set -euo pipefail
if [ -n "$(git status --porcelain -- API.md)" ]; then
  git --no-pager diff -- API.md | head -40
  echo "API.md is stale: run npx projen compile && npx projen docgen, then commit API.md" >&2
  exit 1
fi
echo "API.md is up to date"
