#include <catch2/catch.hpp>

#include "models/training_roofline.hpp"
#include "test_helpers.hpp"

using namespace gigasim;

TEST_CASE("training work is 6 N FLOP per token and one bf16 gradient per step") {
  PretrainingJobSpec j;
  j.params = 7e9;
  j.tokens = 2e12;
  j.global_batch_tokens = 4e6;
  const TrainingWork w = training_work(j);
  CHECK(w.flops_per_token == Approx(42e9));
  CHECK(w.total_flops == Approx(8.4e22));
  CHECK(w.steps == Approx(5e5));
  CHECK(w.gradient_bytes == Approx(14e9));
}

TEST_CASE("sustained rate is peak at the precision times the GEMM efficiency") {
  const SystemSpec s = test::test_system();
  CHECK(sustained_flops_per_s(s, Precision::kBf16) == Approx(500e12));
  CHECK(sustained_flops_per_s(s, Precision::kFp8) == Approx(1000e12));
  // fp16 is absent from the test system: falls back to bf16.
  CHECK(sustained_flops_per_s(s, Precision::kFp16) == Approx(500e12));
}

TEST_CASE("ring all-reduce sends 2 (n-1)/n of the buffer per participant") {
  CHECK(ring_allreduce_bytes_per_participant(100, 1) == 0);
  CHECK(ring_allreduce_bytes_per_participant(100, 2) == Approx(100));
  CHECK(ring_allreduce_bytes_per_participant(100, 4) == Approx(150));
}
