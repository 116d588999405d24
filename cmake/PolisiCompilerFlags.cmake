# Compiler flags shared by every polisi target: warnings, -Werror in CI,
# sanitizers, and the install RPATH of executables.

# Warnings are per target (not global) so that they never leak into the
# consumer test or into third-party code.
set(POLISI_WARNING_FLAGS
  -Wall -Wextra -Wpedantic -Wstrict-prototypes -Wshadow)

function(polisi_target_warnings target)
  if(CMAKE_C_COMPILER_ID MATCHES "^(GNU|Clang|AppleClang)$")
    target_compile_options(${target} PRIVATE
      "$<$<COMPILE_LANGUAGE:C>:${POLISI_WARNING_FLAGS}>")
    if(POLISI_WERROR)
      target_compile_options(${target} PRIVATE "$<$<COMPILE_LANGUAGE:C>:-Werror>")
    endif()
  endif()
endfunction()

# ASan + UBSan on every compile and link of this project (the library, the
# CLI and the tests), so no target mixes instrumented and plain code.
set(POLISI_SANITIZE_FLAGS
  -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
if(POLISI_SANITIZE)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "^(GNU|Clang|AppleClang)$")
    message(FATAL_ERROR "POLISI_SANITIZE needs gcc or clang")
  endif()
  add_compile_options(${POLISI_SANITIZE_FLAGS})
  add_link_options(${POLISI_SANITIZE_FLAGS})
endif()

# An installed `polisi` finds libpolisi.so relative to itself
# ($ORIGIN/../lib), so a --prefix install works without LD_LIBRARY_PATH.
# Skipped when the library goes to a directory the loader searches anyway.
function(polisi_set_install_rpath target)
  if(NOT BUILD_SHARED_LIBS OR CMAKE_SKIP_INSTALL_RPATH OR IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
    return()
  endif()
  if("${CMAKE_INSTALL_FULL_LIBDIR}" IN_LIST CMAKE_C_IMPLICIT_LINK_DIRECTORIES)
    return()
  endif()
  file(RELATIVE_PATH rel "${CMAKE_INSTALL_FULL_BINDIR}" "${CMAKE_INSTALL_FULL_LIBDIR}")
  set_target_properties(${target} PROPERTIES INSTALL_RPATH "$ORIGIN/${rel}")
endfunction()
