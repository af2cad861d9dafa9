"""Brands and product lines customers name: "modem ZTE", "Honda Vario 160", "Galaxy Tab S9"."""

from __future__ import annotations

BRANDS = frozenset(
    """
    zte huawei fiberhome nokia tp-link tplink tenda mikrotik indihome biznet firstmedia myrepublic
    daikin panasonic sharp samsung lg gree midea aqua polytron toshiba hitachi changhong hisense
    coocaa tcl sony xiaomi redmi oppo vivo realme infinix apple iphone asus acer lenovo dell hp
    epson canon brother sanken miyako cosmos modena electrolux mitsubishi philips maspion
    bca mandiri bri bni btn cimb danamon permata bsi ocbc jenius livin brimo gopay ovo dana
    shopeepay linkaja telkomsel indosat xl axis smartfren tri pln pdam
    nike adidas puma converse vans uniqlo zara skechers bata eiger bosch whirlpool beko ariston
    rinnai wasser sanyo denpoo pigeon chicco joie cocolatte honda yamaha suzuki toyota daihatsu
    garuda citilink airasia galaxy
    """.split()
)
# Product lines named without a noun: "Galaxy Tab S9", "Honda Vario 160", "Samsung A55".
LINES = frozenset("galaxy vario beat scoopy nmax aerox avanza xenia brio jazz ipad macbook".split())
