"""Writes an RGB PIL image as HEIC (HEVC) or AVIF (AV1) through libheif's C API (PIL has no HEIF
writer), for the test fixtures of tests/io/image_fixtures.py and tests/cli/check_photo_folder.py.

heif_writer() returns write(im, path, av1, orientation=1), which raises RuntimeError when libheif
refuses (no encoder for the format), or None where libheif.so.1 is missing. `orientation` is an
EXIF value that libheif stores as irot/imir boxes."""
import ctypes


class _Error(ctypes.Structure):
    _fields_ = [("code", ctypes.c_int), ("subcode", ctypes.c_int), ("message", ctypes.c_char_p)]


class _EncodingOptions(ctypes.Structure):  # heif.h, version 5
    _fields_ = [("version", ctypes.c_uint8), ("save_alpha_channel", ctypes.c_uint8),
                ("macOS_compatibility_workaround", ctypes.c_uint8),
                ("save_two_colr_boxes", ctypes.c_uint8), ("output_nclx_profile", ctypes.c_void_p),
                ("macOS_compatibility_workaround_no_nclx_profile", ctypes.c_uint8),
                ("image_orientation", ctypes.c_int)]


def heif_writer():
    try:
        heif = ctypes.CDLL("libheif.so.1")
    except OSError:
        return None
    for f in ("heif_image_create", "heif_context_get_encoder_for_format", "heif_image_add_plane",
              "heif_encoder_set_lossy_quality", "heif_context_encode_image",
              "heif_context_write_to_file", "heif_encoder_set_parameter_integer"):
        getattr(heif, f).restype = _Error
    heif.heif_context_alloc.restype = ctypes.c_void_p
    heif.heif_encoding_options_alloc.restype = ctypes.POINTER(_EncodingOptions)
    heif.heif_image_get_plane.restype = ctypes.POINTER(ctypes.c_uint8)

    def check(e):
        if e.code != 0:
            raise RuntimeError(e.message.decode())

    def write(im, path, av1, orientation=1):
        ctx = ctypes.c_void_p(heif.heif_context_alloc())
        image, encoder, options = ctypes.c_void_p(), ctypes.c_void_p(), None
        try:
            # heif_colorspace_RGB = 1, heif_chroma_interleaved_RGB = 10, heif_channel_interleaved = 10
            check(heif.heif_image_create(im.width, im.height, 1, 10, ctypes.byref(image)))
            check(heif.heif_image_add_plane(image, 10, im.width, im.height, 8))
            stride = ctypes.c_int()
            plane = heif.heif_image_get_plane(image, 10, ctypes.byref(stride))
            data = im.tobytes()
            for y in range(im.height):
                ctypes.memmove(ctypes.addressof(plane.contents) + y * stride.value,
                               data[y * im.width * 3:(y + 1) * im.width * 3], im.width * 3)
            # heif_compression_HEVC = 1, heif_compression_AV1 = 4
            check(heif.heif_context_get_encoder_for_format(ctx, 4 if av1 else 1,
                                                           ctypes.byref(encoder)))
            check(heif.heif_encoder_set_lossy_quality(encoder, 90))
            if av1:  # aom's fastest speed keeps the tests short
                check(heif.heif_encoder_set_parameter_integer(encoder, b"speed", 9))
            options = heif.heif_encoding_options_alloc()
            options.contents.image_orientation = orientation
            check(heif.heif_context_encode_image(ctx, image, encoder, options, None))
            check(heif.heif_context_write_to_file(ctx, path.encode()))
        finally:
            if options:
                heif.heif_encoding_options_free(options)
            if encoder:
                heif.heif_encoder_release(encoder)
            if image:
                heif.heif_image_release(image)
            heif.heif_context_free(ctx)

    return write
