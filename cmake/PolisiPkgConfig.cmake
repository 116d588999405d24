# Generates and installs polisi.pc.
#
# The file is relocatable: its prefix is found from where pkg-config read it
# (${pcfiledir}), so `cmake --install build --prefix DIR` gives a working
# polisi.pc even when DIR is not the prefix that was configured.

if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}" OR IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  # Absolute install dirs cannot move with the prefix: write them as they are.
  set(POLISI_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
  set(POLISI_PC_LIBDIR "${CMAKE_INSTALL_FULL_LIBDIR}")
  set(POLISI_PC_INCLUDEDIR "${CMAKE_INSTALL_FULL_INCLUDEDIR}")
else()
  # lib/pkgconfig -> ../.., lib/x86_64-linux-gnu/pkgconfig -> ../../..
  file(RELATIVE_PATH _polisi_pc_up
    "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
  string(REGEX REPLACE "/$" "" _polisi_pc_up "${_polisi_pc_up}")
  set(POLISI_PC_PREFIX "\${pcfiledir}/${_polisi_pc_up}")
  set(POLISI_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
  set(POLISI_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()

if(BUILD_SHARED_LIBS)
  set(POLISI_PC_CFLAGS "")
else()
  set(POLISI_PC_CFLAGS " -DPOLISI_STATIC_DEFINE")
endif()

configure_file("${PROJECT_SOURCE_DIR}/pkgconfig/polisi.pc.in"
  "${PROJECT_BINARY_DIR}/pkgconfig/polisi.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/pkgconfig/polisi.pc"
  DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
