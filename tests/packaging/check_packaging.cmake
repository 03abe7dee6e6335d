# Packaging check, run as `cmake -P` by the ctest tests of tests/packaging/CMakeLists.txt.
#
#   cmake -DSOURCE_DIR=<yieldpipe source> -DSCRATCH_DIR=<scratch> -DMODE=<mode> [options] -P check_packaging.cmake
#
# MODE:
#   find_package      `cmake --install` the build tree BUILD_DIR (which holds the library and the CLI,
#                     built) into <scratch>/prefix, check the installed tree, then build and run the
#                     consumer project (tests/packaging/consumer) against it with -DCMAKE_PREFIX_PATH.
#   fetchcontent      build and run the consumer with yieldpipe pulled in from SOURCE_DIR by
#   add_subdirectory  FetchContent (no network) or add_subdirectory, and check that only the library
#                     was built: tests, examples, benchmarks and the CLI default OFF when yieldpipe
#                     is not the top-level project.
# Options, forwarded to every nested configure when set: CXX_COMPILER, CXX_FLAGS, BUILD_TYPE
# (Release if empty), MAKE_PROGRAM (ninja), BUILD_DIR (required by find_package);
# LIB_FILE (libyieldpipe.a) and EXE_SUFFIX (empty) name the platform's files.
# SCRATCH_DIR is wiped first, so every run starts from nothing. The nested builds use Ninja.
cmake_minimum_required(VERSION 3.21)

foreach(var IN ITEMS SOURCE_DIR SCRATCH_DIR MODE)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "check_packaging: -D${var}=... is required")
  endif()
endforeach()
if(NOT MODE MATCHES "^(find_package|fetchcontent|add_subdirectory)$")
  message(FATAL_ERROR "check_packaging: MODE must be find_package, fetchcontent or add_subdirectory, not '${MODE}'")
endif()
if(NOT BUILD_TYPE)
  set(BUILD_TYPE Release)
endif()
# Platform names are unknown in script mode: the caller passes them (Linux defaults here).
if(NOT LIB_FILE)
  set(LIB_FILE libyieldpipe.a)
endif()
if(NOT DEFINED EXE_SUFFIX)
  set(EXE_SUFFIX "")
endif()
set(jobs 2)  # the machine is shared: never more than two compile jobs

file(REMOVE_RECURSE "${SCRATCH_DIR}")
file(MAKE_DIRECTORY "${SCRATCH_DIR}")

# Options common to every nested configure.
set(common_args -G Ninja "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}")
if(MAKE_PROGRAM)
  list(APPEND common_args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()
if(CXX_COMPILER)
  list(APPEND common_args "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}")
endif()
if(DEFINED CXX_FLAGS)
  # Always set, even when empty, so CXXFLAGS from the environment cannot change what is checked.
  list(APPEND common_args "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}")
endif()

# run(<step name> <command>...): runs the command, and on failure prints its output and stops.
function(run step)
  message(STATUS "[${MODE}] ${step}: ${ARGN}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  set(last_output "${out}" PARENT_SCOPE)
  if(NOT rc EQUAL 0)
    message("${out}")
    message(FATAL_ERROR "[${MODE}] ${step} failed (${rc})")
  endif()
endfunction()

function(fail what)
  message(FATAL_ERROR "[${MODE}] ${what}")
endfunction()

function(require_file path)
  if(NOT EXISTS "${path}" OR IS_DIRECTORY "${path}")
    fail("missing file: ${path}")
  endif()
endfunction()

set(consumer_src "${CMAKE_CURRENT_LIST_DIR}/consumer")
set(consumer_bin "${SCRATCH_DIR}/consumer-build")
set(expected_output "yieldpipe consumer: sum=10")

if(MODE STREQUAL "find_package")
  # --- 1. Install yieldpipe from the build tree that runs this test: its library and CLI are built
  # already, so the check costs an install, not a second build of the whole library.
  if(NOT IS_DIRECTORY "${BUILD_DIR}/CMakeFiles")
    fail("-DBUILD_DIR=... must name the build tree to install (got '${BUILD_DIR}')")
  endif()
  set(build "${BUILD_DIR}")
  set(prefix "${SCRATCH_DIR}/prefix")
  run("install yieldpipe" ${CMAKE_COMMAND} --install "${build}" --prefix "${prefix}")

  # --- 2. The installed tree. -------------------------------------------------------------------
  # Headers: every public header of the source tree, at the same relative path.
  file(GLOB_RECURSE source_headers RELATIVE "${SOURCE_DIR}/include" "${SOURCE_DIR}/include/yieldpipe/*.hpp")
  if(NOT source_headers)
    fail("no headers found under ${SOURCE_DIR}/include/yieldpipe")
  endif()
  foreach(header IN LISTS source_headers)
    require_file("${prefix}/include/${header}")
  endforeach()
  list(LENGTH source_headers header_count)

  # The library directory is lib/ here (GNUInstallDirs); lib64/ is accepted for other distributions.
  file(GLOB config_dirs LIST_DIRECTORIES true "${prefix}/lib*/cmake/yieldpipe")
  if(NOT config_dirs)
    fail("no lib*/cmake/yieldpipe directory in ${prefix}")
  endif()
  list(GET config_dirs 0 config_dir)
  get_filename_component(libdir "${config_dir}/../.." ABSOLUTE)
  require_file("${libdir}/${LIB_FILE}")
  require_file("${config_dir}/yieldpipe-config.cmake")
  require_file("${config_dir}/yieldpipe-config-version.cmake")
  require_file("${config_dir}/yieldpipe-targets.cmake")
  file(GLOB target_files "${config_dir}/yieldpipe-targets*.cmake")
  list(LENGTH target_files target_file_count)
  if(target_file_count LESS 2)
    fail("expected yieldpipe-targets.cmake and a per-configuration yieldpipe-targets-*.cmake in ${config_dir}")
  endif()
  # The package must be relocatable: no path of the source or build tree in the installed files.
  foreach(f IN LISTS target_files ITEMS "${config_dir}/yieldpipe-config.cmake")
    file(READ "${f}" text)
    foreach(tree IN ITEMS "${SOURCE_DIR}" "${build}")
      string(FIND "${text}" "${tree}" at)
      if(NOT at EQUAL -1)
        fail("${f} refers to ${tree}")
      endif()
    endforeach()
  endforeach()

  # The CLI is installed and runs.
  set(cli "${prefix}/bin/yieldpipe${EXE_SUFFIX}")
  require_file("${cli}")
  run("run installed CLI" "${cli}" --version)
  if(NOT last_output MATCHES "yieldpipe [0-9]+\\.[0-9]+\\.[0-9]+")
    fail("`yieldpipe --version` printed '${last_output}'")
  endif()
  message(STATUS "[${MODE}] install tree OK: ${header_count} headers, ${libdir}, ${config_dir}, ${cli}")

  # --- 3. The consumer, against the installed tree only. ----------------------------------------
  run("configure consumer" ${CMAKE_COMMAND} -S "${consumer_src}" -B "${consumer_bin}" ${common_args}
      -DYIELDPIPE_CONSUME=find_package "-DCMAKE_PREFIX_PATH=${prefix}" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
  # It must have found this prefix, not some other yieldpipe on the machine.
  file(STRINGS "${consumer_bin}/CMakeCache.txt" found_dir REGEX "^yieldpipe_DIR:")
  string(REGEX REPLACE "^[^=]*=" "" found_dir "${found_dir}")
  get_filename_component(found_dir "${found_dir}" REALPATH)
  get_filename_component(expected_dir "${config_dir}" REALPATH)
  if(NOT found_dir STREQUAL expected_dir)
    fail("the consumer found yieldpipe in '${found_dir}', not in ${expected_dir}")
  endif()
else()
  # --- fetchcontent / add_subdirectory: the consumer builds yieldpipe from its source tree. -----
  run("configure consumer" ${CMAKE_COMMAND} -S "${consumer_src}" -B "${consumer_bin}" ${common_args}
      "-DYIELDPIPE_CONSUME=${MODE}" "-DYIELDPIPE_SOURCE_DIR=${SOURCE_DIR}")
endif()

run("build consumer" ${CMAKE_COMMAND} --build "${consumer_bin}" --parallel ${jobs})
run("run consumer" "${consumer_bin}/consumer${EXE_SUFFIX}")
string(STRIP "${last_output}" consumer_output)
if(NOT consumer_output STREQUAL expected_output)
  fail("the consumer printed '${consumer_output}', expected '${expected_output}'")
endif()
message(STATUS "[${MODE}] consumer printed: ${consumer_output}")

if(NOT MODE STREQUAL "find_package")
  # --- Only the library was built: yieldpipe's options are OFF when it is not the top level. ----
  foreach(option IN ITEMS YIELDPIPE_BUILD_TESTS YIELDPIPE_BUILD_EXAMPLES YIELDPIPE_BUILD_BENCH
                          YIELDPIPE_BUILD_CLI YIELDPIPE_INSTALL)
    file(STRINGS "${consumer_bin}/CMakeCache.txt" line REGEX "^${option}:")
    if(NOT line MATCHES "=(OFF|FALSE|0)$")
      fail("${option} is not OFF in the consumer's cache: '${line}'")
    endif()
  endforeach()

  # No target of yieldpipe's tests, examples, benchmarks or CLI exists in the consumer's build.
  run("list targets" ${CMAKE_COMMAND} --build "${consumer_bin}" -- -t targets all)
  string(REGEX MATCHALL "[^\n]+" target_lines "${last_output}")
  set(unwanted "")
  foreach(line IN LISTS target_lines)
    # Absolute paths are the CMakeLists.txt files build.ninja depends on, not targets.
    if(line MATCHES "^/")
      continue()
    endif()
    if(line MATCHES "(yieldpipe_cli|yieldpipe_examples|yieldpipe_example_registry|example_[A-Za-z0-9_]+|header_check|_test[^/:]*|gtest|benchmark|bench/)[^:]*:")
      list(APPEND unwanted "${line}")
    endif()
  endforeach()
  if(unwanted)
    list(JOIN unwanted "\n  " unwanted)
    fail("the consumer's build has yieldpipe targets beyond the library:\n  ${unwanted}")
  endif()

  # And on disk: the library was built, nothing else of yieldpipe's.
  if(MODE STREQUAL "fetchcontent")
    set(yp_bin "${consumer_bin}/_deps/yieldpipe-build")
  else()
    set(yp_bin "${consumer_bin}/yieldpipe-build")
  endif()
  require_file("${yp_bin}/${LIB_FILE}")
  foreach(path IN ITEMS "yieldpipe${EXE_SUFFIX}" tests examples bench src/cli)
    if(EXISTS "${yp_bin}/${path}")
      fail("the consumer's build produced ${yp_bin}/${path}")
    endif()
  endforeach()
  message(STATUS "[${MODE}] only the library was built (${yp_bin})")
endif()

message(STATUS "[${MODE}] packaging check passed")
