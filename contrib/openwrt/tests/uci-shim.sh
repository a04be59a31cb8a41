# SPDX-License-Identifier: MIT
# uci-shim.sh: a stand-in for OpenWrt's /lib/functions.sh on any POSIX
# shell, for testing: config_load, config_get, config_get_bool,
# config_foreach and config_list_foreach over a UCI file in
# $UCI_CONFIG_DIR (default /etc/config), stored as OpenWrt stores it
# (CONFIG_<section>_<option>). Anonymous sections are named cfg1, cfg2...

# One shell-quoted word.
uci_shim_quote() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

config_load() {
	local file="${UCI_CONFIG_DIR:-/etc/config}/$1" assignments
	[ -r "$file" ] || return 1
	# awk turns each line into an assignment; values keep their text
	# between the quotes ('...' or "..."), bare words as they are.
	assignments=$(awk '
	function value(s) {
		sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s)
		if (s ~ /^'\''.*'\''$/ || s ~ /^".*"$/)
			s = substr(s, 2, length(s) - 2)
		gsub(/'\''/, "'\''\\'\'''\''", s)
		return "'\''" s "'\''"
	}
	/^[ \t]*(#|$)/ { next }
	$1 == "config" {
		n++
		name = $3
		gsub(/['\''"]/, "", name)
		if (name == "") name = "cfg" n
		sec = name
		printf "CONFIG_SECTIONS=\"$CONFIG_SECTIONS %s\"\n", sec
		printf "CONFIG_%s_TYPE=%s\n", sec, value($2)
		next
	}
	$1 == "option" || $1 == "list" {
		kind = $1; opt = $2
		line = $0
		sub(/^[ \t]*(option|list)[ \t]+[^ \t]+[ \t]*/, "", line)
		if (kind == "option") {
			printf "CONFIG_%s_%s=%s\n", sec, opt, value(line)
		} else {
			k = sec "_" opt
			len[k]++
			printf "CONFIG_%s_%s_ITEM%d=%s\n", sec, opt, len[k], value(line)
			printf "CONFIG_%s_%s_LENGTH=%d\n", sec, opt, len[k]
		}
	}' "$file") || return 1
	CONFIG_SECTIONS=
	eval "$assignments"
}

config_get() {
	eval "$1=\${CONFIG_${2}_${3}:-\${4-}}"
}

config_get_bool() {
	local _v
	eval "_v=\${CONFIG_${2}_${3}:-\${4-}}"
	case $_v in
	1 | on | true | yes | enabled) _v=1 ;;
	0 | off | false | no | disabled) _v=0 ;;
	*) _v=${4:-0} ;;
	esac
	eval "$1=\$_v"
}

config_foreach() {
	local _fn="$1" _type="${2-}" _s _t
	for _s in $CONFIG_SECTIONS; do
		eval "_t=\$CONFIG_${_s}_TYPE"
		[ -z "$_type" ] || [ "$_t" = "$_type" ] || continue
		"$_fn" "$_s"
	done
}

config_list_foreach() {
	local _s="$1" _o="$2" _fn="$3" _n _i=1 _item
	eval "_n=\${CONFIG_${_s}_${_o}_LENGTH:-0}"
	while [ "$_i" -le "$_n" ]; do
		eval "_item=\$CONFIG_${_s}_${_o}_ITEM$_i"
		"$_fn" "$_item"
		_i=$((_i + 1))
	done
}
