#!/bin/bash
# SPDX-License-Identifier: MIT
# cycle.sh: what a user writes instead of kuma-push, with curl and jq: one
# 3-tier cycle of one Open WebUI instance, judged as kuma-push judges it,
# each result pushed to its Uptime Kuma push monitor.
#
#   cycle.sh OWUI_URL KUMA_URL API_KEY MODEL TOKEN_HEALTH TOKEN_MODELS TOKEN_CHAT
#
# Exit 0 when all three pushes were accepted.
set -u
owui=$1 kuma=$2 key=$3 model=$4 tok_health=$5 tok_models=$6 tok_chat=$7
body=$(mktemp) || exit 71
trap 'rm -f "$body"' EXIT
rc=0

# push TOKEN up|down MSG [PING_SECONDS]
push() {
	local args=(--data-urlencode "status=$2" --data-urlencode "msg=${3:0:250}")
	local ms
	if [ -n "${4:-}" ]; then
		printf -v ms '%.0f' "${4}e3"   # seconds to whole ms, at least 1
		args+=(--data-urlencode "ping=$((ms < 1 ? 1 : ms))")
	fi
	curl -fsS -o /dev/null -m 10 -G "${args[@]}" "$kuma/api/push/$1" || rc=69
}

# fetch URL [CURL ARGS...]: body in $body, sets $code and $time
fetch() {
	local out
	out=$(curl -s -m 10 -o "$body" -w '%{http_code} %{time_total}' "$@") || true
	code=${out% *} time=${out#* }
}

# health: 200 and {"status":true}
fetch "$owui/health"
if [ "$code" = 200 ] && jq -e '.status == true' "$body" >/dev/null 2>&1; then
	push "$tok_health" up OK "$time"
	health=up
else
	health="HTTP $code"
	push "$tok_health" down "$health" "$time"
fi

if [ "$health" != up ]; then
	push "$tok_models" down "skipped: health down ($health)"
	push "$tok_chat" down "skipped: health down ($health)"
	exit $rc
fi

# models: 200 and a non-empty data list
fetch "$owui/api/models?refresh=true" -H "Authorization: Bearer $key"
n=$(jq -r '.data | length' "$body" 2>/dev/null)
if [ "$code" = 200 ] && [ "${n:-0}" -gt 0 ] 2>/dev/null; then
	push "$tok_models" up "$n models" "$time"
else
	push "$tok_models" down "HTTP $code, ${n:-no} models" "$time"
fi

# chat: 200 and the reply contains HEALTHY (any case)
fetch "$owui/api/chat/completions" -H "Authorization: Bearer $key" \
	-H 'Content-Type: application/json' \
	-d "{\"model\":\"$model\",\"messages\":[{\"role\":\"user\",\"content\":\"Respond with the word HEALTHY\"}],\"temperature\":0,\"stream\":false}"
reply=$(jq -r '.choices[0].message.content // ""' "$body" 2>/dev/null)
if [ "$code" = 200 ] && [[ "${reply^^}" == *HEALTHY* ]]; then
	push "$tok_chat" up OK "$time"
else
	push "$tok_chat" down "HTTP $code, reply lacks HEALTHY: \"$reply\"" "$time"
fi
exit $rc
