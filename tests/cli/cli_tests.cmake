# Command-line tests: each runs one build/bin program through run_cli_case.sh, which checks the
# exit status (0 ok, 1 failure, 2 usage), an expected message, and that nothing died by a
# signal. Fixtures (broken images, weights, IDX files) are generated at test time under "@T@".
if(NOT TARGET vkc-classify OR NOT TARGET vkc-eval OR NOT TARGET vkc-info)
  return()  # VKC_BUILD_APPS=OFF
endif()

set(VKC_CLI_RUNNER ${CMAKE_CURRENT_LIST_DIR}/run_cli_case.sh)
set(VKC_BUNDLED_MODEL ${PROJECT_SOURCE_DIR}/assets/fashion_mnist_irv2.safetensors)

# vkc_cli_test(NAME <checks for run_cli_case.sh> -- PROGRAM ARGS...)
function(vkc_cli_test name)
  add_test(NAME cli.${name} COMMAND bash ${VKC_CLI_RUNNER} ${ARGN})
  set_tests_properties(cli.${name} PROPERTIES TIMEOUT 300 LABELS cli)
endfunction()

set(CLASSIFY $<TARGET_FILE:vkc-classify>)
set(EVAL $<TARGET_FILE:vkc-eval>)

# vkc-classify: inputs
vkc_cli_test(classify.missing_image --rc 1 --stderr "@T@/missing.png"
             -- ${CLASSIFY} @T@/missing.png)
vkc_cli_test(classify.dir_without_images --rc 1 --stderr "no images"
             -- ${CLASSIFY} @T@/empty_dir)
vkc_cli_test(classify.corrupt_image --rc 1 --stderr "@T@/x.png"
             -- ${CLASSIFY} @T@/x.png)
vkc_cli_test(classify.truncated_png --rc 1 --stderr "@T@/truncated.png"
             -- ${CLASSIFY} @T@/truncated.png)
vkc_cli_test(classify.good_and_bad_image --rc 1 --stderr "@T@/x.png"
             --stdout "@T@/good.png" -- ${CLASSIFY} @T@/good.png @T@/x.png)

# vkc-classify: usage errors
vkc_cli_test(classify.bad_flag --rc 2 --stderr "--bogus" -- ${CLASSIFY} --bogus)
vkc_cli_test(classify.top_zero --rc 2 --stderr "--top" -- ${CLASSIFY} --top 0 @T@/good.png)
vkc_cli_test(classify.batch_not_a_number --rc 2 --stderr "--batch"
             -- ${CLASSIFY} --batch abc @T@/good.png)
# A batch far too large for the host is split into chunks, not allocated whole.
vkc_cli_test(classify.huge_batch --rc 0 --stdout "@T@/good.png"
             -- ${CLASSIFY} --batch 1000000 @T@/good.png)
vkc_cli_test(classify.no_arguments --rc 2 --stderr "no images" -- ${CLASSIFY})
vkc_cli_test(classify.help --rc 0 --stdout "usage: vkc-classify" -- ${CLASSIFY} --help)
vkc_cli_test(classify.bad_precision --rc 2 --stderr "--precision needs fp32 or fp16, got 'fp8'"
             -- ${CLASSIFY} --precision fp8 @T@/good.png)
# fp16: every sample's top-1 is its file's class and the same as fp32's (check_samples.py).
set(VKC_CHECK_SAMPLES /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/check_samples.py)
add_test(NAME cli.classify.fp16 COMMAND ${VKC_CHECK_SAMPLES} --same-as-fp32 ${CLASSIFY}
                                        ${PROJECT_SOURCE_DIR}/assets/samples --precision fp16)
set_tests_properties(cli.classify.fp16 PROPERTIES TIMEOUT 300 LABELS cli)

# vkc-classify: weights
vkc_cli_test(classify.weights_not_safetensors --rc 1 --stderr "@T@/not_weights.safetensors"
             -- ${CLASSIFY} --weights @T@/not_weights.safetensors @T@/good.png)
vkc_cli_test(classify.weights_truncated --rc 1 --stderr "@T@/truncated.safetensors"
             -- ${CLASSIFY} --weights @T@/truncated.safetensors @T@/good.png)
# The bundled file's metadata names its model; each problem is listed once.
vkc_cli_test(classify.weights_for_another_model --rc 1 --unique-stderr
             --stderr "do not match the model" --stderr "missing tensor"
             --stderr "this file's metadata says it is for inception_resnet_v2, not inception_v4"
             -- ${CLASSIFY} --model inception_v4 --weights ${VKC_BUNDLED_MODEL} @T@/good.png)
# --model without --weights would run untrained weights: refused, naming where weights come from.
vkc_cli_test(classify.model_without_weights --rc 2
             --stderr "--model inception_v4 needs --weights FILE"
             --stderr "https://huggingface.co/timm/inception_v4.tf_in1k"
             --stderr "--weights deterministic" -- ${CLASSIFY} --model inception_v4 @T@/good.png)
# The outside checks' interface on the deterministic test weights, asked for by name.
vkc_cli_test(classify.input_tensor_deterministic_weights --rc 0 --stdout "@T@/zeros75.f32[0]"
             -- ${CLASSIFY} --model inception_v3 --weights deterministic --size 75
                --input-tensor @T@/zeros75.f32 --save-logits @T@/logits.f32)
vkc_cli_test(classify.input_tensor_wrong_size --rc 1
             --stderr "@T@/wrong_size.f32" --stderr "not a whole number of images"
             -- ${CLASSIFY} --input-tensor @T@/wrong_size.f32)

# vkc-classify: Vulkan
vkc_cli_test(classify.no_such_device --rc 1 --stderr "device index 99 does not exist"
             -- ${CLASSIFY} --device 99 @T@/good.png)
vkc_cli_test(classify.no_vulkan_driver --rc 1 --stderr "no Vulkan driver"
             --env VK_ICD_FILENAMES=/nonexistent --env VK_DRIVER_FILES=/nonexistent
             -- ${CLASSIFY} @T@/good.png)

# vkc-classify: real photos (tests/cli/check_photo_folder.py, PIL-made from the samples, about
# 1-2 s each): a folder of every format and oddity, each good image right, each broken one named,
# the files that are not images in one line; the EXIF-6 JPEG with and without --no-exif-rotate,
# --full-decode, and vkc-eval's --exif-rotate; files that are not images alone do not fail.
set(VKC_CHECK_PHOTOS /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/check_photo_folder.py)
add_test(NAME cli.classify.photo_folder
         COMMAND ${VKC_CHECK_PHOTOS} classify ${CLASSIFY} ${PROJECT_SOURCE_DIR}/assets)
add_test(NAME cli.classify.exif_rotate_and_full_decode
         COMMAND ${VKC_CHECK_PHOTOS} exif ${CLASSIFY} ${EVAL} ${PROJECT_SOURCE_DIR}/assets)
add_test(NAME cli.classify.skipped_files_line
         COMMAND ${VKC_CHECK_PHOTOS} skipped ${CLASSIFY} ${PROJECT_SOURCE_DIR}/assets)
set_tests_properties(cli.classify.photo_folder cli.classify.exif_rotate_and_full_decode
                     cli.classify.skipped_files_line PROPERTIES TIMEOUT 300 LABELS cli)
vkc_cli_test(classify.dir_without_images_names_skipped --rc 1 --stderr "no images"
             --stderr "skipped 1 file that is not an image: readme.txt" -- ${CLASSIFY} @T@/empty_dir)

# vkc-info, vkc-eval
vkc_cli_test(info.json --rc 0 --json -- $<TARGET_FILE:vkc-info> --json)
if(TARGET vkc-bench)
  vkc_cli_test(bench.model_without_weights --rc 2
               --stderr "--model inception_resnet_v2 needs --weights FILE"
               --stderr "--weights deterministic"
               -- $<TARGET_FILE:vkc-bench> --model inception_resnet_v2)
  vkc_cli_test(bench.bad_precision --rc 2 --stderr "--precision needs fp32 or fp16, got 'fp8'"
               -- $<TARGET_FILE:vkc-bench> --model inception_v3 --precision fp8)
  # The issue's JSON keys, with direct convolutions on request (small input: a quick run).
  vkc_cli_test(bench.json_direct --rc 0 --json --stdout "\"winograd\": false"
               --stdout "\"fraction_of_peak\"" --stdout "\"peak_activation_bytes\""
               -- $<TARGET_FILE:vkc-bench> --model inception_v3 --weights deterministic --size 75
                  --runs 1 --warmup 0 --no-first-result --no-winograd --json)
  # The per-layer microbenchmark: every layer at batch 1 on every kernel family (about 3 s on
  # lavapipe), and one layer's table per GPU family.
  vkc_cli_test(bench.layers_json --rc 0 --json --stdout "\"layers\"" --stdout "\"route\""
               --stdout "\"family\": \"igemm\"" --stdout "\"family\": \"regtile\""
               --stdout "\"split_k\""
               -- $<TARGET_FILE:vkc-bench> --layers --batch 1 --runs 1 --json)
  vkc_cli_test(bench.layer_igemm --rc 0 --stdout "7x1_224_256_17" --stdout "igemm"
               -- $<TARGET_FILE:vkc-bench> --layer 7x1_224_256_17 --batch 1 --runs 1
                  --conv-kernel igemm)
  vkc_cli_test(bench.layer_regtile --rc 0 --stdout "1x7_192_224_17" --stdout "regtile   8x4"
               -- $<TARGET_FILE:vkc-bench> --layer 1x7_192_224_17 --batch 1 --runs 1
                  --conv-kernel regtile)
  vkc_cli_test(bench.unknown_layer --rc 2 --stderr "no layer 'nope'"
               -- $<TARGET_FILE:vkc-bench> --layer nope)
endif()
vkc_cli_test(eval.bad_flag --rc 2 --stderr "--bogus" -- ${EVAL} --bogus)
vkc_cli_test(eval.model_without_weights --rc 2 --stderr "--model inception_v3 needs --weights FILE"
             -- ${EVAL} --model inception_v3 --idx-images @T@/images.idx.gz
                --idx-labels @T@/labels3.idx.gz)
vkc_cli_test(eval.missing_idx --rc 1 --stderr "@T@/missing-images.gz"
             -- ${EVAL} --idx-images @T@/missing-images.gz --idx-labels @T@/labels4.idx.gz)
vkc_cli_test(eval.idx_count_mismatch --rc 1 --stderr "4 labels, but"
             -- ${EVAL} --idx-images @T@/images.idx.gz --idx-labels @T@/labels4.idx.gz)
vkc_cli_test(eval.idx_json --rc 0 --json --stdout "\"images\":3"
             -- ${EVAL} --idx-images @T@/images.idx.gz --idx-labels @T@/labels3.idx.gz --json)
vkc_cli_test(eval.dir_with_bad_image --rc 1 --stderr "@T@/folder/Bag/x.png"
             --stderr "skipped 1 file that is not an image: Bag/notes.txt"
             --stdout "top-1" -- ${EVAL} --dir @T@/folder)
vkc_cli_test(eval.dir_unknown_class --rc 1 --stderr "'NotAClass' is not a line"
             -- ${EVAL} --dir @T@/folder_unknown)

# The default model's accuracy, measured through Vulkan (about 30 s on 2 cores).
add_test(NAME eval.fashion_mnist_top1 COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/check_accuracy.sh ${EVAL})
set_tests_properties(eval.fashion_mnist_top1 PROPERTIES TIMEOUT 600 LABELS cli)
vkc_cli_test(classify.image_too_small --rc 1 --stderr "too small"
             -- ${CLASSIFY} @T@/tiny.png)

# The apps at their default batches on the device read at the Vulkan 1.1 minimum limits, and
# vkc-info saying that the variable took effect in the apps' processes.
add_test(NAME cli.minimum_limits.classify_samples
         COMMAND ${VKC_CHECK_SAMPLES} ${CLASSIFY} ${PROJECT_SOURCE_DIR}/assets/samples)
add_test(NAME cli.minimum_limits.eval_fashion_mnist
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/check_accuracy.sh ${EVAL})
vkc_cli_test(minimum_limits.info_took_effect --rc 0
             --stdout "Vulkan 1.1 minimum (VKC_LIMITS=minimum)" -- $<TARGET_FILE:vkc-info>)
set_tests_properties(cli.minimum_limits.classify_samples cli.minimum_limits.eval_fashion_mnist
                     cli.minimum_limits.info_took_effect
                     PROPERTIES ENVIRONMENT VKC_LIMITS=minimum TIMEOUT 900 LABELS cli)

# The on-device self-test with a variant made to write nothing: vkc-info --self-test --json names
# it failed, and vkc-classify, testing at load, still classifies every sample right.
foreach(variant conv2d_segments_st conv1x1_st)
  add_test(NAME cli.selftest.corrupt_${variant}
           COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/check_self_test.py
                   $<TARGET_FILE:vkc-info> ${CLASSIFY} ${PROJECT_SOURCE_DIR}/assets/samples ${variant})
  set_tests_properties(cli.selftest.corrupt_${variant} PROPERTIES TIMEOUT 600 LABELS cli)
endforeach()
vkc_cli_test(selftest.device_without_self_test --rc 2 --stderr "--device needs --self-test"
             -- $<TARGET_FILE:vkc-info> --device 0)

# Hundreds of hostile images and weights files (tests/cli/mutated_inputs.py): exit 0/1/2 only,
# the failing file named, no sanitizer report, no hang.
add_test(NAME cli.mutated_inputs
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/mutated_inputs.py ${CLASSIFY}
                 ${PROJECT_SOURCE_DIR}/assets ${CMAKE_BINARY_DIR}/mutated-inputs 120)
set_tests_properties(cli.mutated_inputs PROPERTIES TIMEOUT 900 LABELS cli)

# Start-up: a second process compiles nothing the first one cached (lavapipe's shader cache).
if(TARGET vkc-bench)
  add_test(NAME cli.second_start_compiles_nothing
           COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/second_start_compiles_nothing.sh
                   $<TARGET_FILE:vkc-bench> ${CMAKE_BINARY_DIR}/second-start)
  set_tests_properties(cli.second_start_compiles_nothing
                       PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300 LABELS cli)
endif()
