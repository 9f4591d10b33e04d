#!/bin/sh
# Makes Tests/AppTests/Fixtures/wordpress-polylang.wxr with WordPress's own exporter (export_wp): a throw-away
# MariaDB and the Debian WordPress package, posts in English and French linked the way Polylang links them
# (the `language` and `post_translations` taxonomies), categories, tags, drafts, a private post, a page, an
# attachment, a nav menu item, shortcodes and block comments. Needs root (apt-get); CI uses the committed file.
set -eu
cd "$(dirname "$0")/../.."
OUT=${1:-Tests/AppTests/Fixtures/wordpress-polylang.wxr}
command -v mysqld >/dev/null && [ -d /usr/share/wordpress ] && command -v php >/dev/null ||
    apt-get install -y wordpress mariadb-server php-cli php-mysql
DATA=$(mktemp -d /tmp/wpfixture.XXXXXX)
mysql_install_db --user=root --datadir="$DATA/db" >/dev/null
mysqld --user=root --datadir="$DATA/db" --socket="$DATA/mysql.sock" --skip-networking \
    --pid-file="$DATA/mysqld.pid" >"$DATA/mysqld.log" 2>&1 &
trap 'kill $(cat "$DATA/mysqld.pid") 2>/dev/null; sleep 2; rm -rf "$DATA"' EXIT
for _ in $(seq 30); do [ -S "$DATA/mysql.sock" ] && break; sleep 1; done
mysql --socket="$DATA/mysql.sock" -u root -e "CREATE DATABASE wp; CREATE USER 'wp'@'localhost' IDENTIFIED BY 'wp';
    GRANT ALL ON wp.* TO 'wp'@'localhost';"
cat > /etc/wordpress/config-fixture.php <<PHP
<?php
define('DB_NAME', 'wp'); define('DB_USER', 'wp'); define('DB_PASSWORD', 'wp');
define('DB_HOST', 'localhost:$DATA/mysql.sock'); define('WP_CONTENT_DIR', '/usr/share/wordpress/wp-content');
\$table_prefix = 'wp_';
PHP
cat > "$DATA/make.php" <<'PHP'
<?php
$_SERVER['HTTP_HOST'] = 'fixture'; $_SERVER['REQUEST_URI'] = '/'; $_SERVER['WORDPRESS_CONFIG'] = 'fixture';
define('WP_INSTALLING', true);
require '/usr/share/wordpress/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
wp_install('Observatory test network', 'admin', 'admin@example.org', true, '', 'not-a-real-password-1');
update_option('siteurl', 'https://defenders.example.org'); update_option('home', 'https://defenders.example.org');
update_option('permalink_structure', '/%year%/%monthnum%/%day%/%postname%/');
register_taxonomy('language', 'post', ['public' => false]);
register_taxonomy('post_translations', 'post', ['public' => false]);
$en = wp_insert_term('English', 'language', ['slug' => 'en', 'description' => 'a:3:{s:6:"locale";s:5:"en_US";s:3:"rtl";i:0;s:9:"flag_code";s:2:"us";}']);
$fr = wp_insert_term('Français', 'language', ['slug' => 'fr', 'description' => 'a:3:{s:6:"locale";s:5:"fr_FR";s:3:"rtl";i:0;s:9:"flag_code";s:2:"fr";}']);
$cats = [];
foreach ([['Urgent appeals', 'urgent-appeals'], ['Appels urgents', 'appels-urgents'], ['Statements', 'statements'],
          ['Press releases', 'press-releases'], ['Human rights defenders', 'human-rights-defenders'],
          ['Événements', 'evenements']] as [$name, $slug]) {
    $cats[$slug] = wp_insert_term($name, 'category', ['slug' => $slug])['term_id'];
}
function post($title, $content, $date, $cats, $tags, $lang, $status = 'publish', $excerpt = '', $type = 'post') {
    $id = wp_insert_post(['post_title' => $title, 'post_content' => $content, 'post_excerpt' => $excerpt,
        'post_status' => $status, 'post_type' => $type, 'post_date' => $date, 'post_date_gmt' => get_gmt_from_date($date),
        'post_category' => $cats, 'tags_input' => $tags, 'post_author' => 1], true);
    if (is_wp_error($id)) { fwrite(STDERR, $id->get_error_message()); exit(1); }
    if ($lang) wp_set_object_terms($id, $lang, 'language');
    return $id;
}
$body1 = "<!-- wp:paragraph -->\n<p>Ms. Ana Torres, a defender of indigenous land rights, was <strong>arrested</strong> on 28 September 2016 in Oaxaca.</p>\n<!-- /wp:paragraph -->\n\n"
    . "<!-- wp:image {\"id\":7} -->\n[caption id=\"attachment_7\" align=\"alignnone\" width=\"300\"]<img src=\"https://defenders.example.org/wp-content/uploads/2016/09/oaxaca.jpg\" alt=\"Oaxaca court\" width=\"300\" height=\"200\" /> The court in Oaxaca[/caption]\n<!-- /wp:image -->\n\n"
    . "<!-- wp:heading -->\n<h2>Actions requested</h2>\n<!-- /wp:heading -->\n\n"
    . "<!-- wp:list -->\n<ul><li>Release Ms. Torres;</li><li>Read the <a href=\"https://www.ohchr.org/en/special-procedures\">UN declaration</a>.</li></ul>\n<!-- /wp:list -->\n\n"
    . "[gallery ids=\"7,8\"]\n\n<p onclick=\"alert(1)\">Thank you.</p><script>alert('x')</script><iframe src=\"https://evil.example/\"></iframe><a href=\"javascript:alert(1)\">click</a>";
$a = post('Mexico: Arbitrary arrest of Ms. Ana Torres', $body1, '2016-09-30 10:15:00',
    [$cats['urgent-appeals'], $cats['human-rights-defenders']], ['Mexico'], 'en', 'publish', 'Ms. Ana Torres was arrested in Oaxaca.');
$b = post('Mexique : Arrestation arbitraire de Mme Ana Torres', "<!-- wp:paragraph -->\n<p>Mme Ana Torres a été <em>arrêtée</em> le 28 septembre 2016.</p>\n<!-- /wp:paragraph -->",
    '2016-09-30 12:00:00', [$cats['appels-urgents']], ['Mexique'], 'fr', 'publish', 'Mme Ana Torres a été arrêtée.');
$tr = wp_insert_term('pll_57ee5c9a1b2c3', 'post_translations', ['description' => serialize(['en' => $a, 'fr' => $b])]);
wp_set_object_terms($a, 'pll_57ee5c9a1b2c3', 'post_translations');
wp_set_object_terms($b, 'pll_57ee5c9a1b2c3', 'post_translations');
post('Turkey: Statement on the trial of lawyers', "<p>The trial of 18 lawyers opens in Istanbul.</p>\n\n[embed]https://video.example/trial[/embed]\n\n<p>We call for their acquittal.</p>",
    '2018-03-12 09:00:00', [$cats['statements']], ['Turkey', 'lawyers'], 'en');
post('Türkiye : déclaration sur le procès des avocats', '<p>Le procès de 18 avocats s’ouvre à Istanbul.</p>', '2018-03-13 09:00:00',
    [$cats['statements']], ['Turquie'], 'fr');
post('Colombia: Press release on the killing of social leaders', "Two paragraphs without tags.\n\nThe second one, with a [link](not markdown) and 5 < 6 & 7 > 3.",
    '2020-07-01 08:00:00', [$cats['press-releases']], ['Colombia', 'Democratic Republic of the Congo'], 'en');
post('Conférence à Genève', '<p>Rendez-vous au Palais des Nations.</p>', '2021-06-10 15:00:00', [$cats['evenements']], ['Suisse'], 'fr');
post('Draft: Belarus appeal not yet verified', '<p>Confidential draft: Ihar Ivanou, detained.</p>', '2021-01-05 10:00:00', [$cats['urgent-appeals']], ['Belarus'], 'en', 'draft');
post('Private: internal note', '<p>Private post content.</p>', '2021-01-06 10:00:00', [], [], 'en', 'private');
post('About us', '<p>The network.</p>', '2015-01-01 00:00:00', [], [], 'en', 'publish', '', 'page');
$att = wp_insert_attachment(['post_title' => 'oaxaca', 'post_mime_type' => 'image/jpeg', 'post_status' => 'inherit',
    'guid' => 'https://defenders.example.org/wp-content/uploads/2016/09/oaxaca.jpg'], false, $a);
$menu = wp_create_nav_menu('Main');
wp_update_nav_menu_item($menu, 0, ['menu-item-title' => 'Home', 'menu-item-url' => 'https://defenders.example.org/', 'menu-item-status' => 'publish']);
wp_update_post(['ID' => $a, 'post_content' => $body1 . "\n<p>Update: she was released on bail.</p>"]); // a revision
wp_delete_post(wp_insert_post(['post_title' => 'Trashed', 'post_status' => 'publish', 'post_content' => 'x']), false);
require_once ABSPATH . 'wp-admin/includes/export.php';
ob_start();
export_wp(['content' => 'all']);
$wxr = ob_get_clean();
file_put_contents(getenv('WXR_OUT'), $wxr);
PHP
WXR_OUT="$PWD/$OUT" php "$DATA/make.php"
rm -f /etc/wordpress/config-fixture.php
echo "wrote $OUT ($(grep -c '<item>' "$OUT") items)"
