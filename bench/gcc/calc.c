// The input of the gcc-compile workload (bench/run.ts): a small expression
// calculator with a hash table of variables, a tokenizer, a recursive-descent
// parser, a tree evaluator, a sort and a string buffer. It is compiled, never run.
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum kind { T_END, T_NUM, T_NAME, T_OP, T_LPAREN, T_RPAREN, T_ASSIGN, T_COMMA };

struct token {
  enum kind kind;
  double num;
  char name[32];
  char op;
};

struct lexer {
  const char *src;
  size_t pos;
  struct token cur;
};

enum node_kind { N_NUM, N_VAR, N_BIN, N_NEG, N_CALL, N_ASSIGN };

struct node {
  enum node_kind kind;
  double num;
  char name[32];
  char op;
  struct node *a, *b;
  struct node *args[4];
  int nargs;
};

struct var {
  char name[32];
  double value;
  struct var *next;
};

#define NBUCKETS 64
static struct var *table[NBUCKETS];

static uint32_t hash(const char *s) {
  uint32_t h = 2166136261u;
  while (*s) { h ^= (unsigned char)*s++; h *= 16777619u; }
  return h;
}

static struct var *lookup(const char *name, int create) {
  uint32_t h = hash(name) % NBUCKETS;
  for (struct var *v = table[h]; v; v = v->next)
    if (strcmp(v->name, name) == 0) return v;
  if (!create) return NULL;
  struct var *v = calloc(1, sizeof *v);
  if (!v) { perror("calloc"); exit(1); }
  snprintf(v->name, sizeof v->name, "%s", name);
  v->next = table[h];
  table[h] = v;
  return v;
}

struct strbuf { char *data; size_t len, cap; };

static void sb_grow(struct strbuf *sb, size_t need) {
  if (sb->len + need + 1 <= sb->cap) return;
  size_t cap = sb->cap ? sb->cap : 64;
  while (cap < sb->len + need + 1) cap *= 2;
  char *p = realloc(sb->data, cap);
  if (!p) { perror("realloc"); exit(1); }
  sb->data = p;
  sb->cap = cap;
}

static void sb_printf(struct strbuf *sb, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  sb_grow(sb, (size_t)n);
  va_start(ap, fmt);
  vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  sb->len += (size_t)n;
}

static void next(struct lexer *lx) {
  const char *s = lx->src;
  while (isspace((unsigned char)s[lx->pos])) lx->pos++;
  char c = s[lx->pos];
  struct token *t = &lx->cur;
  memset(t, 0, sizeof *t);
  if (c == 0) { t->kind = T_END; return; }
  if (isdigit((unsigned char)c) || c == '.') {
    char *end;
    t->kind = T_NUM;
    t->num = strtod(s + lx->pos, &end);
    lx->pos = (size_t)(end - s);
    return;
  }
  if (isalpha((unsigned char)c) || c == '_') {
    size_t n = 0;
    t->kind = T_NAME;
    while (isalnum((unsigned char)s[lx->pos]) || s[lx->pos] == '_') {
      if (n < sizeof t->name - 1) t->name[n++] = s[lx->pos];
      lx->pos++;
    }
    return;
  }
  lx->pos++;
  switch (c) {
  case '(': t->kind = T_LPAREN; break;
  case ')': t->kind = T_RPAREN; break;
  case '=': t->kind = T_ASSIGN; break;
  case ',': t->kind = T_COMMA; break;
  default: t->kind = T_OP; t->op = c; break;
  }
}

static struct node *mknode(enum node_kind kind) {
  struct node *n = calloc(1, sizeof *n);
  if (!n) { perror("calloc"); exit(1); }
  n->kind = kind;
  return n;
}

static struct node *parse_expr(struct lexer *lx);

static struct node *parse_primary(struct lexer *lx) {
  struct token t = lx->cur;
  if (t.kind == T_NUM) { next(lx); struct node *n = mknode(N_NUM); n->num = t.num; return n; }
  if (t.kind == T_OP && t.op == '-') { next(lx); struct node *n = mknode(N_NEG); n->a = parse_primary(lx); return n; }
  if (t.kind == T_LPAREN) {
    next(lx);
    struct node *n = parse_expr(lx);
    if (lx->cur.kind != T_RPAREN) { fprintf(stderr, "expected )\n"); exit(2); }
    next(lx);
    return n;
  }
  if (t.kind == T_NAME) {
    next(lx);
    if (lx->cur.kind == T_LPAREN) {
      struct node *n = mknode(N_CALL);
      memcpy(n->name, t.name, sizeof n->name);
      next(lx);
      while (lx->cur.kind != T_RPAREN && n->nargs < 4) {
        n->args[n->nargs++] = parse_expr(lx);
        if (lx->cur.kind == T_COMMA) next(lx);
      }
      next(lx);
      return n;
    }
    if (lx->cur.kind == T_ASSIGN) {
      next(lx);
      struct node *n = mknode(N_ASSIGN);
      memcpy(n->name, t.name, sizeof n->name);
      n->a = parse_expr(lx);
      return n;
    }
    struct node *n = mknode(N_VAR);
    memcpy(n->name, t.name, sizeof n->name);
    return n;
  }
  fprintf(stderr, "unexpected token\n");
  exit(2);
}

static int prec(char op) {
  switch (op) {
  case '+': case '-': return 1;
  case '*': case '/': case '%': return 2;
  case '^': return 3;
  default: return 0;
  }
}

static struct node *parse_binary(struct lexer *lx, int min) {
  struct node *lhs = parse_primary(lx);
  while (lx->cur.kind == T_OP && prec(lx->cur.op) >= min) {
    char op = lx->cur.op;
    int p = prec(op);
    next(lx);
    struct node *rhs = parse_binary(lx, op == '^' ? p : p + 1);
    struct node *n = mknode(N_BIN);
    n->op = op;
    n->a = lhs;
    n->b = rhs;
    lhs = n;
  }
  return lhs;
}

static struct node *parse_expr(struct lexer *lx) { return parse_binary(lx, 1); }

static double ipow(double b, long e) {
  double r = 1;
  int neg = e < 0;
  if (neg) e = -e;
  while (e) { if (e & 1) r *= b; b *= b; e >>= 1; }
  return neg ? 1 / r : r;
}

static double eval(const struct node *n) {
  switch (n->kind) {
  case N_NUM: return n->num;
  case N_VAR: { struct var *v = lookup(n->name, 0); return v ? v->value : 0; }
  case N_NEG: return -eval(n->a);
  case N_ASSIGN: { double x = eval(n->a); lookup(n->name, 1)->value = x; return x; }
  case N_CALL: {
    double a[4] = {0};
    for (int i = 0; i < n->nargs; i++) a[i] = eval(n->args[i]);
    if (strcmp(n->name, "max") == 0) return a[0] > a[1] ? a[0] : a[1];
    if (strcmp(n->name, "min") == 0) return a[0] < a[1] ? a[0] : a[1];
    if (strcmp(n->name, "abs") == 0) return a[0] < 0 ? -a[0] : a[0];
    if (strcmp(n->name, "sum") == 0) return a[0] + a[1] + a[2] + a[3];
    return 0;
  }
  case N_BIN: {
    double x = eval(n->a), y = eval(n->b);
    switch (n->op) {
    case '+': return x + y;
    case '-': return x - y;
    case '*': return x * y;
    case '/': return y != 0 ? x / y : 0;
    case '%': return y != 0 ? (double)((long)x % (long)y) : 0;
    case '^': return ipow(x, (long)y);
    }
  }
  }
  return 0;
}

static void print_tree(struct strbuf *sb, const struct node *n) {
  switch (n->kind) {
  case N_NUM: sb_printf(sb, "%g", n->num); break;
  case N_VAR: sb_printf(sb, "%s", n->name); break;
  case N_NEG: sb_printf(sb, "(-"); print_tree(sb, n->a); sb_printf(sb, ")"); break;
  case N_ASSIGN: sb_printf(sb, "%s=", n->name); print_tree(sb, n->a); break;
  case N_CALL:
    sb_printf(sb, "%s(", n->name);
    for (int i = 0; i < n->nargs; i++) { if (i) sb_printf(sb, ","); print_tree(sb, n->args[i]); }
    sb_printf(sb, ")");
    break;
  case N_BIN:
    sb_printf(sb, "(");
    print_tree(sb, n->a);
    sb_printf(sb, " %c ", n->op);
    print_tree(sb, n->b);
    sb_printf(sb, ")");
    break;
  }
}

static void free_tree(struct node *n) {
  if (!n) return;
  free_tree(n->a);
  free_tree(n->b);
  for (int i = 0; i < n->nargs; i++) free_tree(n->args[i]);
  free(n);
}

static int cmp_var(const void *a, const void *b) {
  const struct var *x = *(const struct var *const *)a, *y = *(const struct var *const *)b;
  return x->value < y->value ? -1 : x->value > y->value ? 1 : strcmp(x->name, y->name);
}

static void dump_vars(void) {
  struct var *all[256];
  size_t n = 0;
  for (int i = 0; i < NBUCKETS; i++)
    for (struct var *v = table[i]; v && n < 256; v = v->next) all[n++] = v;
  qsort(all, n, sizeof all[0], cmp_var);
  for (size_t i = 0; i < n; i++) printf("%-10s %.6g\n", all[i]->name, all[i]->value);
}

int main(int argc, char **argv) {
  char line[1024];
  struct strbuf sb = {0};
  int verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
  while (fgets(line, sizeof line, stdin)) {
    struct lexer lx = { .src = line };
    next(&lx);
    if (lx.cur.kind == T_END) continue;
    struct node *n = parse_expr(&lx);
    double v = eval(n);
    if (verbose) {
      sb.len = 0;
      print_tree(&sb, n);
      printf("%s = %.10g\n", sb.data ? sb.data : "", v);
    } else {
      printf("%.10g\n", v);
    }
    free_tree(n);
  }
  dump_vars();
  free(sb.data);
  return 0;
}
