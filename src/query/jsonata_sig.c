/* SPDX-License-Identifier: MIT */
/*
 * jsonata_sig.c: jsonata 2.1.1's function signatures ("<s-nn?:s>"): the
 * same parse, the same regular-expression match of the arguments' type
 * symbols (greedy, backtracking) and the same errors: T0410 with the
 * index where a partial match stops, T0411 for an incompatible context
 * value, T0412 for an array of the wrong member type.
 */
#include <string.h>

#include "jsonata_int.h"

#define MAX_PARAMS 6
#define MAX_ARGS 8

struct sparam {
	char accepts[12]; /* the symbol class, "m" (missing) included */
	char quant;       /* '1', '?' or '+' */
	bool context;     /* "-": the context when omitted */
	char type;        /* 's', 'n', 'a', 'f', 'x', 'j', '(' ... */
	char subtype;     /* "a<n>": 'n' */
};

struct sig {
	int n;
	struct sparam p[MAX_PARAMS];
};

static void parse_sig(const char *s, struct sig *out)
{
	struct sparam *prev = NULL;

	memset(out, 0, sizeof(*out));
	for (size_t i = 1; s[i] != '\0' && s[i] != ':' && s[i] != '>'; i++) {
		struct sparam *p = &out->p[out->n];
		char c = s[i];

		switch (c) {
		case 's': case 'n': case 'b': case 'l': case 'o':
			p->accepts[0] = c;
			p->accepts[1] = 'm';
			break;
		case 'a':
		case 'x':
			strcpy(p->accepts, "asnblfom");
			break;
		case 'f':
			strcpy(p->accepts, "f");
			break;
		case 'j':
			strcpy(p->accepts, "asnblom");
			break;
		case '(': {
			size_t k = 0;

			while (s[++i] != ')')
				p->accepts[k++] = s[i];
			p->accepts[k] = 'm';
			break;
		}
		case '-':
			prev->context = true;
			prev->quant = '?';
			continue;
		case '?':
		case '+':
			prev->quant = c;
			continue;
		case '<':
			prev->subtype = s[i + 1];
			while (s[i] != '>')
				i++;
			continue;
		default:
			continue;
		}
		p->type = c;
		p->quant = '1';
		prev = p;
		out->n++;
	}
}

/*
 * ^(p0)(p1)...(p[np-1]) against sym[j..], as a JavaScript regex: greedy,
 * backtracking; whole demands the end. take[i] = symbols param i took.
 */
static bool match(const struct sig *s, int i, int np, const char *sym, size_t j,
		  bool whole, int *take, size_t *end)
{
	const struct sparam *p;
	size_t k = j;

	if (i == np) {
		*end = j;
		return !whole || sym[j] == '\0';
	}
	p = &s->p[i];
	while (sym[k] != '\0' && strchr(p->accepts, sym[k]) != NULL &&
	       (p->quant == '+' || k == j))
		k++;
	for (;; k--) { /* the longest run first */
		size_t n = k - j;

		if ((p->quant == '1' && n == 1) || (p->quant == '?' && n <= 1) ||
		    (p->quant == '+' && n >= 1)) {
			take[i] = (int)n;
			if (match(s, i + 1, np, sym, k, whole, take, end))
				return true;
		}
		if (k == j)
			return false;
	}
}

char jv_symbol(const struct jv *v)
{
	switch (v->kind) {
	case JV_STR: return 's';
	case JV_NUM: return 'n';
	case JV_TRUE:
	case JV_FALSE: return 'b';
	case JV_NULL: return 'l';
	case JV_ARR: return 'a';
	case JV_OBJ: return 'o';
	case JV_FUNC: return 'f';
	default: return 'm';
	}
}

static int sig_error(struct ev *e, int fn, int pos, const struct sig *s,
		     const char *sym)
{
	int take[MAX_PARAMS];
	size_t good = 0, end;

	for (int i = 0; i < s->n; i++) {
		if (!match(s, 0, i + 1, sym, 0, false, take, &end))
			break;
		good = end;
	}
	return jn_error(e->err, "T0410", pos,
			"Argument %zu of function \"%s\" does not match function signature",
			good + 1, JN_BUILTINS[fn].name);
}

static const char *array_type(char t)
{
	switch (t) {
	case 'a': return "arrays";
	case 'b': return "booleans";
	case 'f': return "functions";
	case 'n': return "numbers";
	case 'o': return "objects";
	default: return "strings";
	}
}

/* A type-"a" argument: member types checked, a non-array wrapped. */
static int array_arg(struct ev *e, int fn, int pos, const struct sparam *p,
		     char single, int take, const struct jv *arg, int index,
		     struct jv *out)
{
	bool ok = true;

	if (single == 'm') {
		*out = JV_UNDEFINED;
		return 0;
	}
	if (p->subtype != 0) {
		if (single != 'a') {
			ok = take == 1 && single == p->subtype;
		} else if (jv_len(e, arg) > 0) {
			struct jv_it it;
			struct jv m;
			char first = 0;

			e->steps += jv_len(e, arg);
			jv_it_init(e, &it, arg);
			while (ok && jv_it_next(e, &it, &m)) {
				if (first == 0)
					first = jv_symbol(&m);
				ok = first == p->subtype && jv_symbol(&m) == first;
			}
		}
	}
	if (!ok)
		return jn_error(e->err, "T0412", pos,
				"Argument %d of function \"%s\" must be an array of %s",
				index + 1, JN_BUILTINS[fn].name, array_type(p->subtype));
	if (single != 'a') {
		struct jarr *a = jarr_new(e, 1);

		if (a == NULL)
			return ev_oom(e);
		a->items[a->len++] = *arg;
		*out = jv_arr(a, 0);
		return 0;
	}
	*out = *arg;
	return 0;
}

int sig_validate(struct ev *e, int fn, int pos, const struct jv *args, int nargs,
		 const struct jv *ctx, struct jv *valid, int *nvalid)
{
	struct sig s;
	char sym[MAX_ARGS + 1];
	int take[MAX_PARAMS], argi = 0, nv = 0;
	size_t end, at = 0;

	parse_sig(JN_BUILTINS[fn].signature, &s);
	if (nargs > MAX_ARGS)
		nargs = MAX_ARGS; /* the caller reports more as T0410 */
	for (int i = 0; i < nargs; i++)
		sym[i] = jv_symbol(&args[i]);
	sym[nargs] = '\0';
	if (!match(&s, 0, s.n, sym, 0, true, take, &end))
		return sig_error(e, fn, pos, &s, sym);
	for (int i = 0; i < s.n; i++) {
		const struct sparam *p = &s.p[i];

		if (take[i] == 0) {
			if (p->context) {
				if (strchr(p->accepts, jv_symbol(ctx)) == NULL)
					return jn_error(e->err, "T0411", pos,
							"Context value is not a compatible type with argument %d of function \"%s\"",
							argi + 1, JN_BUILTINS[fn].name);
				valid[nv++] = *ctx;
			} else {
				valid[nv++] = argi < nargs ? args[argi] : JV_UNDEFINED;
				argi++;
			}
			continue;
		}
		for (int k = 0; k < take[i]; k++, at++) {
			const struct jv *arg = argi < nargs ? &args[argi] : &JV_UNDEFINED;

			if (nv >= MAX_ARGS)
				return sig_error(e, fn, pos, &s, sym);
			if (p->type == 'a') {
				if (array_arg(e, fn, pos, p, sym[at], take[i], arg, argi,
					      &valid[nv]) != 0)
					return -1;
			} else {
				valid[nv] = *arg;
			}
			nv++;
			argi++;
		}
	}
	*nvalid = nv;
	return 0;
}
