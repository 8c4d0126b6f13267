#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The man pages held to the binaries: every option --help prints has an option
# paragraph in the page's OPTIONS section and the page documents no other;
# short and long names paired alike; vxlan-pipeline's commands; the settings
# and NAT rule members of vxlan-pipeline.conf(5) against the shipped files and
# the parser; exit statuses and signals --help names; the version in --version
# and in each .TH; and groff finds nothing to warn about.
set -u
BUILD=${VXP_BUILD_DIR:-$PWD}
SRC=${VXP_TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
MAN=$SRC/man
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../tests/lib/tap.sh"

# The roff of a line as text: no macro name, escapes resolved or dropped.
roff_text() {
	sed -E -e 's/^\.[A-Za-z]+[[:space:]]*//' -e 's/\\-/-/g' -e 's/\\\(dq/"/g' \
		-e "s/\\\\\\(aq/'/g" -e 's/\\f(\[[^]]*\]|\(..|.)//g' -e 's/\\\(..//g' \
		-e 's/\\\[[^]]*\]//g' -e 's/\\[&c~ ]//g' -e 's/\\e/\\/g'
}

# The tag lines of the paragraphs (.TP, .TQ) in section SECTION of PAGE,
# subsections included, as text.
section_tags() { # section_tags PAGE SECTION
	awk -v want="$2" '
		/^\.SH/ { s = $0; sub(/^\.SH[ \t]*/, "", s); gsub(/"/, "", s); in_s = s == want; tag = 0; next }
		!in_s || /^\.\\"/ { next }
		/^\.(TP|TQ)[ \t]*$/ || /^\.(TP|TQ)[ \t]/ { tag = 1; next }
		tag { print; tag = 0 }
	' "$1" | roff_text
}

# Every --long and -x option named in the text on stdin, one a line.
options_in() {
	tr -c 'A-Za-z0-9_-' '\n' | grep -E '^(--[a-z][a-z0-9-]*|-[A-Za-z])$' | sort -u
}

# A list, one a line, as one line of words; and how many there are.
words() {
	printf '%s\n' "$1" | sed '/^$/d' | tr '\n' ' ' | sed 's/ $//'
}
count() {
	printf '%s\n' "$1" | grep -c .
}

# The first word of each line on stdin.
first_words() {
	awk 'NF { print $1 }' | sort -u
}

# Lines only in the first list, then lines only in the second, as a diagnostic.
differ() { # differ NAME1 LIST1 NAME2 LIST2
	local only1 only2
	only1=$(comm -23 <(printf '%s\n' "$2" | sed '/^$/d' | sort -u) <(printf '%s\n' "$4" | sed '/^$/d' | sort -u) | tr '\n' ' ')
	only2=$(comm -13 <(printf '%s\n' "$2" | sed '/^$/d' | sort -u) <(printf '%s\n' "$4" | sed '/^$/d' | sort -u) | tr '\n' ' ')
	[ -z "$only1" ] && [ -z "$only2" ] && return 0
	[ -n "$only1" ] && diag "only in $1: $only1"
	[ -n "$only2" ] && diag "only in $3: $only2"
	return 1
}

VERSION=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' "$BUILD/config.h" 2>/dev/null)
[ -n "$VERSION" ]
ok $? "PACKAGE_VERSION from $BUILD/config.h: '$VERSION'"

# groff (groff-base on Debian and Fedora) checks the roff; the test needs it
if command -v groff >/dev/null 2>&1; then
	have_groff=1
else
	have_groff=0
	echo "# groff is missing: install groff-base (Debian and Fedora: groff-base) to check the pages"
fi

# check_common PAGE NAME SECTION SECTIONS...: what every page must be
check_common() {
	local page=$1 name=$2 sec=$3 path="$MAN/$1" s warnings wide th
	shift 3
	[ -r "$path" ]
	ok $? "$page: exists"
	[ -r "$path" ] || return 1
	th=$(grep -m1 '^\.TH ' "$path")
	printf '%s\n' "$th" | grep -qiE "^\\.TH \"?${name//./\\.}\"? $sec "
	ok $? "$page: .TH names $name($sec) ($th)"
	printf '%s\n' "$th" | grep -qF "\"vxlan-pipeline $VERSION\""
	ok $? "$page: .TH carries \"vxlan-pipeline $VERSION\""
	grep -A1 '^\.SH NAME' "$path" | tail -n 1 | grep -qE "^${name//./\\.} \\\\- "
	ok $? "$page: NAME is '$name \\- ...'"
	for s in "$@"; do
		grep -qE "^\\.SH \"?$s\"?\$" "$path"
		ok $? "$page: has the section $s"
	done
	for s in vxlan-pipelined.8 vxlan-pipeline.8 vxlan-trafficgen.1 vxlan-pipeline.conf.5; do
		[ "$s" = "$page" ] && continue
		awk '/^\.SH "?SEE ALSO/ { on = 1; next } /^\.SH/ { on = 0 } on' "$path" |
			grep -qF ".BR ${s%.*} (${s##*.})"
		ok $? "$page: SEE ALSO names ${s%.*}(${s##*.})"
	done
	if [ "$have_groff" = 0 ]; then
		ok 1 "$page: groff is missing: install groff-base (Debian: apt-get install groff-base; Fedora: dnf install groff-base)"
		return 0
	fi
	warnings=$(LC_ALL=C.UTF-8 groff -man -ww -z -Tutf8 "$path" 2>&1)
	[ -z "$warnings" ]
	ok $? "$page: groff -man -ww finds nothing to warn about"
	diag "$warnings"
	wide=$(LC_ALL=C groff -man -Tascii -P-cbou "$path" 2>/dev/null | awk 'length > 80')
	[ -z "$wide" ]
	ok $? "$page: no line wider than 80 columns on a terminal"
	diag "$wide"
}

# check_binary BIN PAGE: the page's OPTIONS against BIN --help
check_binary() {
	local bin=$1 page=$2 exe="$BUILD/src/$1" path="$MAN/$2" help tags help_opts page_opts
	local opt pairs page_pairs codes page_codes sig
	help=$("$exe" --help 2>&1)
	ok $? "$bin --help exits 0"
	[ "$("$exe" --version 2>&1)" = "$bin $VERSION" ]
	ok $? "$bin --version prints '$bin $VERSION'"
	[ -r "$path" ] || return 1
	tags=$(section_tags "$path" OPTIONS)
	help_opts=$(printf '%s\n' "$help" | options_in)
	page_opts=$(printf '%s\n' "$tags" | options_in)
	[ -n "$help_opts" ]
	ok $? "$bin --help names options ($(words "$help_opts"))"
	for opt in $help_opts; do
		printf '%s\n' "$page_opts" | grep -qxe "$opt"
		ok $? "$page documents $opt in an OPTIONS paragraph"
	done
	differ "$page OPTIONS" "$page_opts" "$bin --help" "$help_opts"
	[ -z "$(comm -23 <(printf '%s\n' "$page_opts") <(printf '%s\n' "$help_opts"))" ]
	ok $? "$page documents no option $bin --help does not show"
	# -x, --long in --help: the same two in one paragraph of the page
	pairs=$(printf '%s\n' "$help" | sed -nE 's/^[[:space:]]+(-[A-Za-z]), (--[a-z][a-z0-9-]*).*/\1 \2/p' | sort)
	page_pairs=$(printf '%s\n' "$tags" | sed -nE 's/^(-[A-Za-z]), (--[a-z][a-z0-9-]*).*/\1 \2/p' | sort)
	differ "$page" "$page_pairs" "$bin --help" "$pairs"
	ok $? "$page pairs short and long names as --help does ($(count "$pairs") pairs)"
	# the exit statuses --help names, and no others
	if printf '%s\n' "$help" | grep -q 'Exit status:'; then
		codes=$(printf '%s\n' "$help" | tr '\n' ' ' | sed -E 's/.*Exit status:(.*)/\1/; s/See .*//' |
			tr -c '0-9' '\n' | grep -E '^[0-9]+$' | sort -u)
		page_codes=$(section_tags "$path" "EXIT STATUS" | first_words)
		differ "$page EXIT STATUS" "$page_codes" "$bin --help" "$codes"
		ok $? "$page EXIT STATUS has the statuses --help names ($(words "$codes"))"
	fi
	for sig in $(printf '%s\n' "$help" | grep -oE 'SIG[A-Z]+' | sort -u); do
		grep -q "$sig" "$path"
		ok $? "$page describes $sig, which --help names"
	done
}

check_common vxlan-pipelined.8 vxlan-pipelined 8 NAME SYNOPSIS DESCRIPTION OPTIONS \
	"EXIT STATUS" FILES EXAMPLES "SEE ALSO"
check_binary vxlan-pipelined vxlan-pipelined.8
check_common vxlan-pipeline.8 vxlan-pipeline 8 NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS \
	"EXIT STATUS" FILES EXAMPLES "SEE ALSO"
check_binary vxlan-pipeline vxlan-pipeline.8
check_common vxlan-trafficgen.1 vxlan-trafficgen 1 NAME SYNOPSIS DESCRIPTION OPTIONS \
	"EXIT STATUS" FILES EXAMPLES "SEE ALSO"
check_binary vxlan-trafficgen vxlan-trafficgen.1
check_common vxlan-pipeline.conf.5 vxlan-pipeline.conf 5 NAME SYNOPSIS DESCRIPTION SETTINGS \
	"NAT RULES" "EXIT STATUS" FILES EXAMPLES "SEE ALSO"

# vxlan-pipeline's commands: --help's list against the page's COMMANDS
help_cmds=$("$BUILD/src/vxlan-pipeline" --help 2>/dev/null |
	awk '/^Commands:/ { on = 1; next } on && NF == 0 { on = 0 } on { print $1 }' | sort -u)
page_cmds=$(section_tags "$MAN/vxlan-pipeline.8" COMMANDS | first_words)
[ -n "$help_cmds" ]
ok $? "vxlan-pipeline --help lists commands ($(words "$help_cmds"))"
differ "vxlan-pipeline.8 COMMANDS" "$page_cmds" "vxlan-pipeline --help" "$help_cmds"
ok $? "vxlan-pipeline.8 documents exactly the commands --help lists"

# vxlan-pipeline.conf(5): the settings the parser knows (src/libvxp/conf.c), the
# shipped files (each setting there with its comment) and the page agree
parser_keys=$(sed -nE 's/^[[:space:]]*\[CONF_[A-Z_]+\] = "([a-z_]+)",.*/\1/p' "$SRC/src/libvxp/conf.c" | sort -u)
file_keys=$(sed -nE 's/^([a-z_]+)[[:space:]]*=.*/\1/p; s/^#[[:space:]]*([a-z_]+)[[:space:]]*=[^;]*;[[:space:]]*$/\1/p' \
	"$SRC/conf/pipeline.conf" "$SRC/conf/nat.conf" | sort -u)
page_keys=$(section_tags "$MAN/vxlan-pipeline.conf.5" SETTINGS | first_words)
[ "$(count "$parser_keys")" -ge 10 ]
ok $? "src/libvxp/conf.c names the settings ($(count "$parser_keys") of them)"
differ "conf/*.conf" "$file_keys" "src/libvxp/conf.c" "$parser_keys"
ok $? "conf/pipeline.conf and conf/nat.conf set every setting the parser knows, and no other"
differ "vxlan-pipeline.conf.5 SETTINGS" "$page_keys" "conf/*.conf" "$file_keys"
ok $? "vxlan-pipeline.conf.5 documents exactly the settings of conf/*.conf ($(count "$page_keys"))"

# the members of a NAT rule: src/libvxp/conf_rules.c, nat.conf's table, the page
parser_members=$(grep -oE 'strcmp\(name, "[a-z_]+"\)' "$SRC/src/libvxp/conf_rules.c" | sed -E 's/.*"(.*)".*/\1/' | sort -u)
file_members=$(sed -nE 's/^#[[:space:]]{2,}([a-z_]+)[[:space:]]{2,}.*/\1/p' "$SRC/conf/nat.conf" | sort -u)
page_members=$(section_tags "$MAN/vxlan-pipeline.conf.5" "NAT RULES" | first_words)
[ -n "$parser_members" ]
ok $? "src/libvxp/conf_rules.c names the NAT rule members ($(words "$parser_members"))"
differ "conf/nat.conf" "$file_members" "src/libvxp/conf_rules.c" "$parser_members"
ok $? "conf/nat.conf describes every NAT rule member the parser knows, and no other"
differ "vxlan-pipeline.conf.5 NAT RULES" "$page_members" "src/libvxp/conf_rules.c" "$parser_members"
ok $? "vxlan-pipeline.conf.5 documents exactly the NAT rule members"

tap_done
