"""Signs in at URL as EMAIL with PASSWORD and makes a personal access token at /account/tokens; prints it."""
import http.cookiejar, re, sys, urllib.parse, urllib.request

base, email, password = sys.argv[1:4]
jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))


def page(path, fields=None):
    data = urllib.parse.urlencode(fields, doseq=True).encode() if fields is not None else None
    with opener.open(urllib.request.Request(base + path, data=data)) as r:
        return r.read().decode()


def csrf(html):
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


login = page("/login")
page("/login", {"csrf": csrf(login), "email": email, "password": password})
tokens = page("/account/tokens")
made = page("/account/tokens", {"csrf": csrf(tokens), "name": "schemathesis", "scopes": ["publications:write",
            "publications:read"], "days": "7", "current": password})
print(re.search(r'<code id="token-value">([^<]+)</code>', made).group(1))
