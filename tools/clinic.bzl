"""Build policy for the whole project, in one place.

Every BUILD file uses these macros instead of the bare cc_* rules, so that warning flags,
test defaults and the protobuf/gRPC code generation are defined once.
"""

# Warnings for the project's own code. Debian's headers are system headers, so they are
# exempt; generated protobuf code is included with -isystem for the same reason.
CLINIC_COPTS = [
    "-Wall",
    "-Wextra",
    "-Wshadow",
    "-Wnon-virtual-dtor",
    "-Wcast-align",
    "-Woverloaded-virtual",
    "-Wno-unused-parameter",
    "-Werror",
]

def clinic_cc_library(name, copts = [], **kwargs):
    native.cc_library(name = name, copts = CLINIC_COPTS + copts, **kwargs)

def clinic_cc_binary(name, copts = [], **kwargs):
    native.cc_binary(name = name, copts = CLINIC_COPTS + copts, **kwargs)

def clinic_cc_test(name, copts = [], deps = [], size = "small", **kwargs):
    """A GoogleTest test; links gtest_main unless the test brings its own main."""
    native.cc_test(
        name = name,
        copts = CLINIC_COPTS + copts,
        size = size,
        deps = deps + ["//third_party:gtest", "//third_party:gtest_main"],
        **kwargs
    )

def clinic_grpc_library(name, src, deps = [], visibility = None):
    """Turns one .proto into a C++ protobuf + gRPC library with Debian's protoc.

    Bazel 4's proto rules want the protobuf source repository, which cannot be fetched here,
    so a genrule runs /usr/bin/protoc with /usr/bin/grpc_cpp_plugin directly. Sources are
    named relative to this package (the proto root), e.g. "clinic/v1/intake.proto", and are
    included as "clinic/v1/intake.pb.h" / "clinic/v1/intake.grpc.pb.h".

    Args:
      name: target name of the resulting cc_library.
      src: the .proto file, relative to the package.
      deps: other targets made by this macro whose .proto files `src` imports.
      visibility: visibility of the cc_library.
    """
    base = src[:-len(".proto")]
    outs = [base + ext for ext in [".pb.h", ".pb.cc", ".grpc.pb.h", ".grpc.pb.cc"]]
    native.filegroup(
        name = name + "_srcs",
        srcs = [src] + [d + "_srcs" for d in deps],
        visibility = visibility,
    )
    native.genrule(
        name = name + "_codegen",
        srcs = [src] + [d + "_srcs" for d in deps],
        outs = outs,
        cmd = " ".join([
            "/usr/bin/protoc",
            "-I" + native.package_name(),
            "-I/usr/include",
            "--cpp_out=$(GENDIR)/" + native.package_name(),
            "--grpc_out=$(GENDIR)/" + native.package_name(),
            "--plugin=protoc-gen-grpc=/usr/bin/grpc_cpp_plugin",
            "$(location " + src + ")",
        ]),
    )
    native.cc_library(
        name = name,
        srcs = [o for o in outs if o.endswith(".cc")],
        hdrs = [o for o in outs if o.endswith(".h")],
        includes = ["."],
        deps = deps + ["//third_party:grpc"],
        visibility = visibility,
    )
