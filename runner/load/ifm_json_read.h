/* ifm_json_read.h: a small strict JSON reader (RFC 8259), for reading back
 * ifmatch's own JSON reports (--baseline). It builds a tree; errors say
 * line:col. */
#ifndef IFM_JSON_READ_H
#define IFM_JSON_READ_H

#include <stddef.h>

typedef enum ifm_jtype { IFM_J_NULL, IFM_J_BOOL, IFM_J_NUM, IFM_J_STR, IFM_J_ARR, IFM_J_OBJ } ifm_jtype;

typedef struct ifm_jval {
  ifm_jtype type;
  int b;
  double num;
  char *s;                 /* IFM_J_STR: UTF-8, NUL-terminated (may hold NULs: slen) */
  size_t slen;
  struct ifm_jval *items;  /* IFM_J_ARR elements, IFM_J_OBJ values */
  char **keys;             /* IFM_J_OBJ keys */
  size_t n;
} ifm_jval;

typedef struct ifm_jerr {
  int line, col;
  const char *msg;
} ifm_jerr;

int ifm_json_parse(const char *buf, size_t len, ifm_jval *out, ifm_jerr *err);
void ifm_json_clear(ifm_jval *v);
/* The member named key of an object, or NULL. */
const ifm_jval *ifm_json_get(const ifm_jval *obj, const char *key);
/* The string value of member key, or NULL when absent or not a string. */
const char *ifm_json_get_str(const ifm_jval *obj, const char *key);

#endif
