use super::*;

#[test]
fn slugs_as_prisma_makes_them() {
    assert_eq!(slug("Add Tags & More-Stuff!"), "add_tags_and_more_stuff");
    assert_eq!(slug("addUserTable"), "add_user_table");
    assert_eq!(slug("init"), "init");
    assert_eq!(slug("Crème brûlée"), "creme_brulee");
    assert_eq!(slug("!!!"), "migration");
    assert_eq!(slug(&"a".repeat(300)).len(), 200);
}

#[test]
fn versions_grow_even_within_a_second() {
    assert_eq!(utc_stamp(0), "19700101000000");
    assert_eq!(utc_stamp(1_709_251_199), "20240229235959");
    let now = "20240229235959";
    assert_eq!(next_version(now, [].into_iter()), now);
    assert_eq!(next_version(now, ["20240101000000"].into_iter()), now);
    assert_eq!(next_version(now, [now].into_iter()), "20240301000000");
    assert_eq!(
        next_version(now, ["20991231235959"].into_iter()),
        "21000101000000"
    );
    assert_eq!(
        next_version(now, ["99999999999999"].into_iter()),
        "999999999999990"
    );
    assert_eq!(next_version(now, ["2023"].into_iter()), now);
}
