# SPDX-License-Identifier: MIT
# kuma-push-uci.sh: /etc/config/kuma-push (UCI) to kuma-push's libconfig
# file, on stdout. Sourced by /etc/init.d/kuma-push after config_load (from
# /lib/functions.sh); needs config_get, config_get_bool, config_foreach and
# config_list_foreach, nothing else. Every value is quoted (strings) or
# checked (numbers, booleans), so no UCI value can add a setting of its own;
# a bad number is passed on as a string for "kuma-push -n" to report, and a
# "# uci: SECTION" comment above each block names where it came from.

# A libconfig string literal: backslash and double quote escaped.
kp_uci_str() {
	printf '"%s"' "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')"
}

# A number as is, anything else quoted (kuma-push -n then says why).
kp_uci_num() {
	case $1 in
	'' | *[!0-9.]* | *.*.* | .* | *.) kp_uci_str "$1" ;;
	*) printf '%s' "$1" ;;
	esac
}

# KEY = VALUE; for a UCI option that is set. $1 indent, $2 section,
# $3 option, $4 libconfig key (default: the option), $5 str|num|bool.
kp_uci_opt() {
	local indent="$1" section="$2" option="$3" key="${4:-$3}" kind="${5:-str}" value
	config_get value "$section" "$option"
	[ -n "$value" ] || return 0
	case $kind in
	num) printf '%s%s = %s;\n' "$indent" "$key" "$(kp_uci_num "$value")" ;;
	bool)
		config_get_bool value "$section" "$option"
		if [ "$value" = 1 ]; then value=true; else value=false; fi
		printf '%s%s = %s;\n' "$indent" "$key" "$value"
		;;
	*) printf '%s%s = %s;\n' "$indent" "$key" "$(kp_uci_str "$value")" ;;
	esac
}

# The network settings a target, a tier or a check may override.
kp_uci_net() {
	kp_uci_opt "$1" "$2" "${3}timeout" timeout num
	kp_uci_opt "$1" "$2" "${3}connect_timeout" connect_timeout num
	kp_uci_opt "$1" "$2" "${3}retries" retries num
	kp_uci_opt "$1" "$2" "${3}interval" interval num
	kp_uci_opt "$1" "$2" "${3}ca_file" ca_file
	[ -n "$3" ] && kp_uci_opt "$1" "$2" "${3}insecure" insecure bool
	return 0
}

# push / push_file of a block: option PREFIXpush or PREFIXpush_file.
kp_uci_push() {
	kp_uci_opt "$1" "$2" "${3}push" push
	kp_uci_opt "$1" "$2" "${3}push_file" push_file
}

kp_uci_has() {
	local value
	config_get value "$1" "$2"
	[ -n "$value" ]
}

kp_uci_sep=
kp_uci_target() {
	local section="$1" name tier
	config_get name "$section" name "$section"
	printf '%s\n  # uci: kuma-push.%s\n  {\n' "$kp_uci_sep" "$section"
	kp_uci_sep=,
	printf '    name = %s;\n' "$(kp_uci_str "$name")"
	kp_uci_opt '    ' "$section" url
	kp_uci_opt '    ' "$section" api_key
	kp_uci_opt '    ' "$section" api_key_file
	kp_uci_net '    ' "$section" ''
	for tier in health models chat; do
		kp_uci_has "$section" "${tier}_push" ||
			kp_uci_has "$section" "${tier}_push_file" || continue
		printf '    %s = {\n' "$tier"
		kp_uci_push '      ' "$section" "${tier}_"
		case $tier in
		models)
			kp_uci_opt '      ' "$section" models_query query
			kp_uci_opt '      ' "$section" models_expected expected
			;;
		chat) kp_uci_opt '      ' "$section" chat_model model ;;
		esac
		kp_uci_net '      ' "$section" "${tier}_"
		printf '    };\n'
	done
	printf '  }'
}

kp_uci_header() {
	printf '%s%s' "$kp_uci_hsep" "$(kp_uci_str "$1")"
	kp_uci_hsep=', '
}

kp_uci_check() {
	local section="$1" name
	config_get name "$section" name "$section"
	printf '%s\n  # uci: kuma-push.%s\n  {\n' "$kp_uci_sep" "$section"
	kp_uci_sep=,
	printf '    name = %s;\n' "$(kp_uci_str "$name")"
	kp_uci_opt '    ' "$section" url
	kp_uci_opt '    ' "$section" method
	kp_uci_push '    ' "$section" ''
	kp_uci_opt '    ' "$section" status
	kp_uci_opt '    ' "$section" keyword
	kp_uci_opt '    ' "$section" body
	kp_uci_hsep=
	kp_uci_header_list=$(config_list_foreach "$section" header kp_uci_header)
	[ -n "$kp_uci_header_list" ] &&
		printf '    headers = [ %s ];\n' "$kp_uci_header_list"
	kp_uci_net '    ' "$section" ''
	kp_uci_opt '    ' "$section" insecure insecure bool
	printf '  }'
}

# The whole file. $1: the lock file (default /var/run/kuma-push.lock).
kuma_push_uci_conf() {
	local lock="${1:-/var/run/kuma-push.lock}" list
	printf '# Generated from /etc/config/kuma-push by /etc/init.d/kuma-push:\n'
	printf '# edit that file (uci), not this one.\n'
	kp_uci_opt '' main log
	printf 'lock_file = %s;\n' "$(kp_uci_str "$lock")"
	kp_uci_opt '' main max_parallel max_parallel num
	printf 'kuma = {\n'
	kp_uci_opt '  ' main kuma_url url
	kp_uci_opt '  ' main kuma_timeout timeout num
	printf '};\n'
	printf 'defaults = {\n'
	kp_uci_net '  ' main ''
	kp_uci_opt '  ' main jitter jitter num
	printf '};\n'
	kp_uci_sep=
	list=$(config_foreach kp_uci_target target)
	[ -n "$list" ] && printf 'targets = (%s\n);\n' "$list"
	kp_uci_sep=
	list=$(config_foreach kp_uci_check check)
	[ -n "$list" ] && printf 'checks = (%s\n);\n' "$list"
	return 0
}
