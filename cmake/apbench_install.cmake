# cmake --install: headers, libraries, the apbench executable, the chart
# tool and a CMake package (find_package(apbench)) with namespaced targets.
# export() makes the build tree usable the same way
# (-Dapbench_DIR=<build dir>). cpack -G DEB packages the install.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(APBENCH_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/apbench)
set(apbench_exported apbench_core apbench_strategies_archive apbench_strategies
                     apbench_workloads_archive apbench_workloads apbench_cli
                     apbench_main)
if(TARGET apbench_gbench)
  list(APPEND apbench_exported apbench_gbench)
endif()

install(TARGETS ${apbench_exported} EXPORT apbenchTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS apbench RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(TARGET apbench_gbench_main)
  install(TARGETS apbench_gbench_main RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
install(DIRECTORY include/apbench DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(PROGRAMS tools/apbench-charts DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES tools/apbench_charts.py
        DESTINATION ${CMAKE_INSTALL_DATADIR}/apbench)
install(DIRECTORY tools/apbench_charts
        DESTINATION ${CMAKE_INSTALL_DATADIR}/apbench
        FILES_MATCHING PATTERN "*.py" PATTERN "__pycache__" EXCLUDE)
# The chart tool's path, recorded at install (the prefix may be given only
# then: cmake --install --prefix, cpack): share/apbench/installed_chart_tool.cpp,
# which apbenchConfig.cmake adds to every program built against the install.
install(CODE "
  set(bindir \"${CMAKE_INSTALL_BINDIR}\")
  if(NOT IS_ABSOLUTE \"\${bindir}\")
    set(bindir \"\${CMAKE_INSTALL_PREFIX}/\${bindir}\")
  endif()
  set(APBENCH_CHARTS_AT \"\${bindir}/apbench-charts\")
  configure_file(\"${PROJECT_SOURCE_DIR}/cmake/installed_chart_tool.cpp.in\"
                 \"${PROJECT_BINARY_DIR}/installed/installed_chart_tool.cpp\" @ONLY)
")
install(FILES ${PROJECT_BINARY_DIR}/installed/installed_chart_tool.cpp
        DESTINATION ${CMAKE_INSTALL_DATADIR}/apbench)

install(EXPORT apbenchTargets NAMESPACE apbench::
        DESTINATION ${APBENCH_CMAKE_DIR})
export(EXPORT apbenchTargets NAMESPACE apbench::
       FILE ${PROJECT_BINARY_DIR}/apbenchTargets.cmake)

set(APBENCH_WITH_GBENCH OFF)
if(TARGET apbench_gbench)
  set(APBENCH_WITH_GBENCH ON)
endif()
configure_package_config_file(cmake/apbenchConfig.cmake.in
  ${PROJECT_BINARY_DIR}/apbenchConfig.cmake
  INSTALL_DESTINATION ${APBENCH_CMAKE_DIR}
  PATH_VARS CMAKE_INSTALL_DATADIR)
# 0.x: a new minor version may change the API.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/apbenchConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/apbenchConfig.cmake
              ${PROJECT_BINARY_DIR}/apbenchConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/FindLibUring.cmake
        DESTINATION ${APBENCH_CMAKE_DIR})
# The build tree's package (-Dapbench_DIR=<build dir>) finds it too.
configure_file(${PROJECT_SOURCE_DIR}/cmake/FindLibUring.cmake
               ${PROJECT_BINARY_DIR}/FindLibUring.cmake COPYONLY)

# cpack -G DEB: a Debian package whose dependencies are the Debian packages
# apbench builds against (the -dev ones: a user compiles against headers).
set(CPACK_PACKAGE_NAME apbench)
set(CPACK_PACKAGE_VENDOR "apbench developers")
set(CPACK_PACKAGE_CONTACT "apbench developers <apbench@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libboost1.81-dev, libtbb-dev, libfmt-dev, libcli11-dev, libbenchmark-dev, zlib1g-dev, libpq-dev, liburing-dev")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "python3-matplotlib, postgresql")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS OFF)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
include(CPack)
