#!/usr/bin/env bash
# Style gate: clang-format clean, no banned C functions, an SPDX header in every source file.
# SPDX-License-Identifier: EUPL-1.2
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
mapfile -t sources < <(git ls-files 'src/*.[ch]' 'tests/*.[ch]' 2>/dev/null || find src tests -name '*.[ch]')
problems=0

for f in "${sources[@]}"; do
	if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
		echo "$f: not clang-format clean (run: make format)"
		problems=$((problems + 1))
	fi
	if ! head -n 2 "$f" | grep -q 'SPDX-License-Identifier:'; then
		echo "$f: no SPDX-License-Identifier header"
		problems=$((problems + 1))
	fi
done

# Banned as curl's checksrc bans them (STYLE.md section 10).
banned='\b(sprintf|vsprintf|strcpy|strcat|strncpy|strtok|atoi|atol|sscanf|gets)\s*\('
if grep -nE "$banned" "${sources[@]}" | grep -v '^\S*:\s*\*'; then
	echo "banned functions above"
	problems=$((problems + 1))
fi

# Short files and functions (STYLE.md section 1): at most 800 lines a source file, 80 a function body.
for f in "${sources[@]}"; do
	n=$(wc -l <"$f")
	if [ "$n" -gt 800 ] && [[ $f == src/* ]]; then
		echo "$f: $n lines (split past 800)"
		problems=$((problems + 1))
	fi
	long=$(awk '/^\{$/ { s = NR } /^\}$/ { if (s && NR - s - 1 > 80) print FILENAME ":" s ": function body of " NR - s - 1 " lines (more than 80)"; s = 0 }' "$f")
	if [ -n "$long" ]; then
		echo "$long"
		problems=$((problems + 1))
	fi
done

# The application knows features only through the feature table (src/app/feature.h).
if grep -rn 'features/' src/app; then
	echo "src/app names a feature above"
	problems=$((problems + 1))
fi

echo "style: ${#sources[@]} files, $problems problems"
[ "$problems" -eq 0 ]
