#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <set>
#include <string>

#include "fencedep/core/class_registry.h"

using namespace fencedep;

namespace {

TEST(ClassRegistry, SameKeySameId) {
  ClassRegistry r;
  ASSERT_TRUE(r.init(64));
  SiteRef site{"/usr/lib/libfoo.so", 0x1234, 0x7f0000001234};
  uint64_t k = class_key_for_site(ClassKind::Mutex, site.module, site.offset);
  ClassId a = r.get_or_create(k, ClassKind::Mutex, nullptr, site);
  ClassId b = r.get_or_create(k, ClassKind::Mutex, nullptr, site);
  EXPECT_NE(a, kNoClass);
  EXPECT_NE(a, r.overflow_class());
  EXPECT_EQ(a, b);
  EXPECT_EQ(r.find(k), a);
  EXPECT_EQ(r.info(a).key, k);
  EXPECT_EQ(r.info(a).kind, ClassKind::Mutex);
  EXPECT_EQ(r.info(a).site.offset, 0x1234u);
  EXPECT_EQ(r.info(a).name, nullptr);

  uint64_t k2 = class_key_for_site(ClassKind::Mutex, site.module, 0x1238);
  ClassId c = r.get_or_create(k2, ClassKind::Mutex, nullptr, site);
  EXPECT_NE(c, a);
  EXPECT_EQ(r.find(0xabcdef), kNoClass);
}

TEST(ClassRegistry, NamesAreInternedAndFlagged) {
  ClassRegistry r;
  ASSERT_TRUE(r.init(64));
  char name[] = "gpu-ring";
  ClassId f = r.get_or_create(class_key_for_name(ClassKind::Fence, name), ClassKind::Fence,
                              name, SiteRef{}, kClassLongRunning);
  std::strcpy(name, "clobber!");
  EXPECT_STREQ(r.info(f).name, "gpu-ring");
  uint32_t flags = r.info(f).flags.load();
  EXPECT_TRUE(flags & kClassNamed);
  EXPECT_TRUE(flags & kClassLongRunning);

  r.set_name(f, "renamed");
  EXPECT_STREQ(r.info(f).name, "renamed");
  // Renaming an unknown id is ignored, not a crash.
  r.set_name(5000, "nope");
  r.set_name(kNoClass, "nope");
}

TEST(ClassRegistry, NameKeysAreStableAndMergeLockKinds) {
  // Fixed value: keys must not depend on the process (address layout, seed).
  uint64_t k = class_key_for_name(ClassKind::Mutex, "dev->lock");
  EXPECT_EQ(k, class_key_for_name(ClassKind::Mutex, "dev->lock"));
  EXPECT_EQ(k, hash_string("dev->lock", 0xa5a5 + 0x10));
  // One name is one class whatever lock primitive reaches it...
  EXPECT_EQ(k, class_key_for_name(ClassKind::RwLock, "dev->lock"));
  EXPECT_EQ(k, class_key_for_name(ClassKind::SpinLock, "dev->lock"));
  EXPECT_EQ(k, class_key_for_name(ClassKind::UserLock, "dev->lock"));
  // ...but a fence or condvar of that name is a different class.
  EXPECT_NE(k, class_key_for_name(ClassKind::Fence, "dev->lock"));
  EXPECT_NE(class_key_for_name(ClassKind::Fence, "x"),
            class_key_for_name(ClassKind::CondVar, "x"));
  EXPECT_NE(k, class_key_for_name(ClassKind::Mutex, "dev->lock2"));
}

TEST(ClassRegistry, SiteKeysUseModuleBaseName) {
  // The same binary in two directories keeps its classes.
  uint64_t a = class_key_for_site(ClassKind::Mutex, "/build/a/libgpu.so", 0x40);
  uint64_t b = class_key_for_site(ClassKind::Mutex, "/opt/ci/lib/libgpu.so", 0x40);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, class_key_for_site(ClassKind::Mutex, "/build/a/libgpu2.so", 0x40));
  EXPECT_NE(a, class_key_for_site(ClassKind::Mutex, "/build/a/libgpu.so", 0x48));
  EXPECT_NE(a, class_key_for_site(ClassKind::CondVar, "/build/a/libgpu.so", 0x40));
  EXPECT_EQ(class_key_for_site(ClassKind::Mutex, nullptr, 0x40),
            class_key_for_site(ClassKind::Mutex, nullptr, 0x40));
  // Instance keys differ per address and per kind.
  EXPECT_NE(class_key_for_instance(ClassKind::Mutex, 0x1000),
            class_key_for_instance(ClassKind::Mutex, 0x1040));
  EXPECT_NE(class_key_for_instance(ClassKind::Mutex, 0x1000),
            class_key_for_instance(ClassKind::Fence, 0x1000));
}

TEST(ClassRegistry, OverflowReturnsOverflowClassWithoutCrashing) {
  ClassRegistry r;
  const uint32_t cap = 8;
  ASSERT_TRUE(r.init(cap));
  ClassId ovf = r.overflow_class();
  ASSERT_NE(ovf, kNoClass);
  EXPECT_STREQ(r.info(ovf).name, "<overflow>");
  std::set<ClassId> ids;
  for (uint64_t i = 0; i < 100; ++i) {
    ClassId c = r.get_or_create(1000 + i, ClassKind::Mutex, nullptr, SiteRef{});
    ASSERT_NE(c, kNoClass);
    ASSERT_LT(c, cap);
    ids.insert(c);
  }
  // ids 1..cap-1 exist; id 1 is the overflow class itself.
  EXPECT_EQ(r.size(), cap);
  EXPECT_EQ(ids.size(), size_t(cap - 2) + 1); // the real ones + the overflow class
  EXPECT_TRUE(ids.count(ovf));
  EXPECT_EQ(r.overflowed(), 100u - (cap - 2));
  // Classes created before the overflow are still found by key.
  EXPECT_NE(r.find(1000), kNoClass);
  EXPECT_NE(r.find(1000), ovf);
  EXPECT_EQ(r.get_or_create(1000, ClassKind::Mutex, nullptr, SiteRef{}), r.find(1000));
}

} // namespace
