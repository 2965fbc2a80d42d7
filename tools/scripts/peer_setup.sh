# shellcheck shell=bash disable=SC2034  # sourced; its variables are the sourcing script's
# SPDX-License-Identifier: MIT
# Sourced by the comparison scripts: works from the project root, finds the built tools
# (KMQ_BIN), keeps scratch files in $work (removed on exit), and names the speed issue's photos
# (4.1 and 14.7 MP) for the scripts that default to them.
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
bin=${KMQ_BIN:-build/tools}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
speed_images=(../shared/corpus/{eveningglow_2560x1600.jpg,path_2560x1600.jpg,safelanding_5120x2880.jpg})
