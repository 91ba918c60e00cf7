#ifndef FRAMEGRAB_CFREETYPE_SHIM_H
#define FRAMEGRAB_CFREETYPE_SHIM_H

#include <ft2build.h>
#include FT_FREETYPE_H

// Macros that Swift cannot import, re-exported as static inline functions.

static inline int fg_ft_has_kerning(FT_Face face) { return FT_HAS_KERNING(face) ? 1 : 0; }
static inline FT_Int32 fg_ft_load_default(void) { return FT_LOAD_DEFAULT; }

/// FreeType's own text for an error code, from the table in its fterrors.h (FT_Error_String returns NULL
/// unless FreeType was built with FT_CONFIG_OPTION_ERROR_STRINGS). NULL for a code it does not list.
static inline const char *fg_ft_error_message(FT_Error error) {
#undef FTERRORS_H_
#define FT_ERRORDEF( e, v, s )  case v: return s;
#define FT_ERROR_START_LIST     switch ( FT_ERROR_BASE( error ) ) {
#define FT_ERROR_END_LIST       default: return NULL; }
#include FT_ERRORS_H
}

#endif
