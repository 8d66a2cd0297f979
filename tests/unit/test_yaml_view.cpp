#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <functional>

#include "sim/io/yaml_view.hpp"

using namespace gigasim::io;

namespace {

YamlView view_of(const std::string& text, std::shared_ptr<Document> doc = nullptr) {
  if (!doc) {
    doc = std::make_shared<Document>();
    doc->file = "t.yaml";
  }
  return YamlView(YAML::Load(text), "", doc);
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "<no error>";
}

}  // namespace

TEST_CASE("ranges describe themselves and check bounds") {
  CHECK(Range::positive().describe() == "> 0");
  CHECK(Range::closed(1, 3).describe() == "in [1, 3]");
  CHECK(Range::positive().contains(1e-300));
  CHECK_FALSE(Range::positive().contains(0));
  CHECK_FALSE(Range::closed(1, 3).contains(3.0001));
}

TEST_CASE("numbers are strict: finite, unquoted, no unit suffix, in range") {
  const auto v = view_of("a: 1.5e3\nb: \"700\"\nc: .nan\nd: 5GW\ne: -2\nf: abc\ng: .inf\n");
  CHECK(v.at("a").as_number() == 1500);
  CHECK_THAT(error_of([&] { v.at("b").as_number(); }), Catch::Contains("t.yaml:2:4: b: expected a number") && Catch::Contains("remove the quotes"));
  CHECK_THAT(error_of([&] { v.at("c").as_number(); }), Catch::Contains("c: expected a finite number"));
  CHECK_THAT(error_of([&] { v.at("d").as_number(); }), Catch::Contains("in the unit the key's name gives"));
  CHECK_THAT(error_of([&] { v.at("e").as_number(Range::positive()); }), Catch::Contains("e: expected a number > 0, got \"-2\""));
  CHECK_THAT(error_of([&] { v.at("f").as_number(); }), Catch::Contains("got \"abc\""));
  CHECK_THAT(error_of([&] { v.at("g").as_number(); }), Catch::Contains("finite"));
}

TEST_CASE("integers accept integral scientific notation and reject fractions") {
  const auto v = view_of("a: 1e6\nb: 2.5\nc: 7\n");
  CHECK(v.at("a").as_integer(0, 10'000'000) == 1'000'000);
  CHECK_THAT(error_of([&] { v.at("b").as_integer(0, 10); }), Catch::Contains("b: expected an integer in [0, 10], got \"2.5\""));
  CHECK_THAT(error_of([&] { v.at("c").as_integer(8, 10); }), Catch::Contains("expected an integer in [8, 10]"));
}

TEST_CASE("unknown keys are rejected with the closest valid name, duplicates too") {
  const auto v = view_of("site:\n  pwoer_w: 5\n");
  CHECK_THAT(error_of([&] { v.at("site").expect_map({"power_w", "pue"}); }),
             Catch::Contains("t.yaml:2:3: site.pwoer_w: unknown key 'pwoer_w'; did you mean 'power_w'?"));
  const auto d = view_of("a: 1\na: 2\n");
  CHECK_THAT(error_of([&] { d.expect_map({"a"}); }), Catch::Contains("a: duplicate key"));
  const auto far = view_of("zzzzzzzz: 1\n");
  CHECK_THAT(error_of([&] { far.expect_map({"power_w"}); }), !Catch::Contains("did you mean"));
}

TEST_CASE("missing keys and wrong shapes name the path") {
  const auto v = view_of("site: [1, 2]\nlist: {a: 1}\n");
  CHECK_THAT(error_of([&] { v.at("nope"); }), Catch::Contains("missing required key 'nope'"));
  CHECK_THAT(error_of([&] { v.at("site").expect_map({"pue"}); }), Catch::Contains("site: expected a mapping with keys pue, got a list"));
  CHECK_THAT(error_of([&] { v.at("list").items(); }), Catch::Contains("list: expected a list, got a mapping"));
  const auto items = view_of("xs: [{a: 1}, {a: 2}]\n").at("xs").items();
  REQUIRE(items.size() == 2);
  CHECK(items[1].at("a").path() == "xs[1].a");
}

TEST_CASE("enums list the choices and suggest the closest") {
  const auto v = view_of("p: bf61\n");
  CHECK_THAT(error_of([&] { v.at("p").as_enum({"fp16", "bf16", "fp8"}); }),
             Catch::Contains("expected one of fp16, bf16, fp8, got \"bf61\"; did you mean 'bf16'?"));
}

TEST_CASE("overrides (--set) replace values, select list elements by name, and report themselves as the location") {
  auto doc = std::make_shared<Document>();
  doc->file = "t.yaml";
  YAML::Node root = YAML::Load("site: {pue: 1.1}\nchoices:\n  - {name: a, chips: 8}\n  - {name: b, chips: 16}\n");
  apply_override(root, "site.pue=1.3", *doc);
  apply_override(root, "choices.b.chips=-4", *doc);
  apply_override(root, "choices.0.chips=32", *doc);
  apply_override(root, "new.key=5", *doc);
  const YamlView v(root, "", doc);
  CHECK(v.at("site").at("pue").as_number() == 1.3);
  CHECK(v.at("choices").items()[0].at("chips").as_integer(0, 100) == 32);
  CHECK(v.at("new").at("key").as_number() == 5);
  CHECK_THAT(error_of([&] { v.at("choices").items()[1].at("chips").as_integer(1, 100); }),
             Catch::Contains("--set choices.b.chips=-4: choices[1].chips: expected an integer in [1, 100]"));
  CHECK_THAT(error_of([&] { apply_override(root, "choices.zz.chips=1", *doc); }), Catch::Contains("'zz' selects no element"));
  CHECK_THAT(error_of([&] { apply_override(root, "choices.7.chips=1", *doc); }), Catch::Contains("'7' selects no element"));
  CHECK_THAT(error_of([&] { apply_override(root, "site.pue", *doc); }), Catch::Contains("expected key.path=value"));
  CHECK_THAT(error_of([&] { apply_override(root, "site.pue.x=1", *doc); }), Catch::Contains("'site.pue' is not a mapping"));
}

TEST_CASE("malformed YAML reports line and column") {
  const auto path = std::filesystem::temp_directory_path() / "gigasim-unit-malformed.yaml";
  {
    std::ofstream out(path);
    out << "a: 1\nb: [1, 2\n";
  }
  CHECK_THAT(error_of([&] { load_yaml_file(path); }), Catch::Contains("gigasim-unit-malformed.yaml:3:1: malformed YAML"));
  std::filesystem::remove(path);
  CHECK_THAT(error_of([&] { load_yaml_file("/nonexistent/x.yaml"); }), Catch::Contains("/nonexistent/x.yaml: file not found"));
}
